"""The reviewers' pages: those of the current edition at /review/, another's under /<edition>/."""

from django.urls import include, path

from . import review_views

edition_pages = [
    path("review/", review_views.ReviewListView.as_view(), name="review-list"),
    path("review/<int:pk>/", review_views.ReviewView.as_view(), name="review"),
]

urlpatterns = [
    *edition_pages,
    path("<slug:edition>/", include(edition_pages)),
]
