"""The reviewers' pages (and the extended abstracts, for organizers too): those of the current edition at /review/, another's under /<edition>/."""

from django.urls import include, path

from . import review_views

edition_pages = [
    path("review/", review_views.ReviewListView.as_view(), name="review-list"),
    path("review/<int:pk>/", review_views.ReviewView.as_view(), name="review"),
    path(
        "review/<int:pk>/extended-abstract.pdf",
        review_views.ExtendedAbstractView.as_view(),
        name="review-extended-abstract",
    ),
]

urlpatterns = [
    *edition_pages,
    path("<slug:edition>/", include(edition_pages)),
]
