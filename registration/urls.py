from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("register/submitted/", views.SubmittedView.as_view(), name="submitted"),
    path("registration/<str:token>/", views.ManageView.as_view(), name="manage"),
    path("registration/<str:token>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("registration/<str:token>/rejoin/", views.RejoinView.as_view(), name="rejoin"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("participants/", views.ParticipantListView.as_view(), name="participant-list"),
]
