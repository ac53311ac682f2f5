"""The call for contributions' pages: the call of an edition and the reviewers' pages
(review_urls.py), at the short address (the current edition) and under /<edition>/; a
submitter's personal pages are reached by their token alone."""

from django.urls import include, path

from . import review_urls, views

app_name = "contributions"

edition_pages = [
    path("call/", views.CallView.as_view(), name="call"),
    path("call/submitted/", views.SubmittedView.as_view(), name="submitted"),
]

urlpatterns = [
    *review_urls.urlpatterns,
    *edition_pages,
    path("submission/<str:token>/", views.SubmissionView.as_view(), name="submission"),
    path("submission/<str:token>/edit/", views.EditView.as_view(), name="edit"),
    path("submission/<str:token>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("submission/<str:token>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("<slug:edition>/", include(edition_pages)),
]
