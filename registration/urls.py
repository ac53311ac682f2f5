"""Registration's pages. Those of an edition exist at the short addresses (the current edition)
and under /<edition>/; personal pages are reached by their token alone."""

from django.urls import include, path

from . import views

app_name = "registration"

edition_pages = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("register/submitted/", views.SubmittedView.as_view(), name="submitted"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("participants/", views.ParticipantListView.as_view(), name="participant-list"),
    path("desk/", views.DeskView.as_view(), name="desk"),
    path("desk/check-in/", views.DeskTickView.as_view(), name="desk-check-in"),
    path("desk/undo/", views.DeskTickView.as_view(undo=True), name="desk-undo"),
    path("desk/walk-in/", views.WalkInView.as_view(), name="desk-walk-in"),
]

urlpatterns = [
    *edition_pages,
    path("registration/<str:token>/", views.ManageView.as_view(), name="manage"),
    path("registration/<str:token>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("registration/<str:token>/rejoin/", views.RejoinView.as_view(), name="rejoin"),
    path("registration/<str:token>/confirm/", views.ConfirmAddressView.as_view(), name="confirm"),
    path("registration/<str:token>/change/", views.ChangeView.as_view(), name="change"),
    path(
        "registration/<str:token>/certificate/",
        views.CertificateDownloadView.as_view(),
        name="certificate-download",
    ),
    path("certificate/<str:code>/", views.CertificateView.as_view(), name="certificate"),
    path("<slug:edition>/", include(edition_pages)),
]
