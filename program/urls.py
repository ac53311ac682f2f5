"""The program's pages, twice: at the short addresses, which show the current edition, and at
each edition's own addresses under /<edition>/, which never change."""

from django.urls import include, path

from . import speakers, views

app_name = "program"

edition_pages = [
    path("", views.HomeView.as_view(), name="home"),
    path("program/", views.ProgramView.as_view(), name="program"),
    path("program/calendar.ics", views.ProgramCalendarView.as_view(), name="calendar"),
    path("program.json", views.ProgramJSONView.as_view(), name="program-json"),
    path("program/book/", views.BookView.as_view(), name="book"),
    path("program/book.pdf", views.BookPDFView.as_view(), name="book-pdf"),
    path("program/talks/<slug:slug>/", views.TalkDetailView.as_view(), name="talk-detail"),
    path(
        "program/talks/<slug:slug>/calendar.ics",
        views.TalkCalendarView.as_view(),
        name="talk-calendar",
    ),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path("posters/", views.PosterListView.as_view(), name="poster-list"),
    path("info/", views.InfoView.as_view(), name="info"),
    path("materials/<int:pk>/<str:name>", views.MaterialView.as_view(), name="material"),
    # The picture of shared links (program/sharing.py).
    path("og.png", views.ShareImageView.as_view(), name="share-image"),
]

urlpatterns = [
    *edition_pages,
    # A speaker's own page, by its token alone: it shows the speaker's own edition.
    path("speaker/<str:token>/", speakers.SpeakerPageView.as_view(), name="speaker-page"),
    path(
        "speaker/<str:token>/materials/<int:pk>/<str:name>",
        speakers.SpeakerMaterialView.as_view(),
        name="speaker-material",
    ),
    path(
        "speaker/<str:token>/materials/<int:pk>/replace/",
        speakers.ReplaceMaterialView.as_view(),
        name="speaker-replace-material",
    ),
    path(
        "speaker/<str:token>/materials/<int:pk>/remove/",
        speakers.RemoveMaterialView.as_view(),
        name="speaker-remove-material",
    ),
    # Once for the whole series, not under each edition.
    path("editions/", views.EditionListView.as_view(), name="edition-list"),
    path("<slug:edition>/", include(edition_pages)),
]
