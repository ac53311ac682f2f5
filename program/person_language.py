"""The pages of one person, reached by the token of their link (a registrant's, a speaker's, a
submitter's), speak that person's language: the one stored with them, which their emails are
written in. A French registrant who opens her link in a browser set to English reads her page
in French, as she read the email that led there.

The language switch on such a page still works: lorainne/language.py stores the choice with the
person whose page `next` names, so that the next page and the next emails follow it. The token in
the address is the credential, as for everything else on those pages.

In program/, the lowest app that registration and contributions can both import.
"""

from django.db import models
from django.utils import translation


def supported_language(code: str) -> str | None:
    """`code` as one of settings.LANGUAGES ("en" gives "en-gb"), or None if none fits."""
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class PersonLanguageMixin:
    """A view of one person's pages. `person_model` has `token` and `language` fields; the view
    gives `person()`, the person its address names, from its own lookup (no second query), or
    None for an unknown token (that page speaks the visitor's language).

    Never a public page (lorainne/page_cache.py): what it shows follows the person, not the
    visitor, so it could not be shared by language."""

    person_model: type[models.Model]

    def person(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        person = self.person()
        language = person and supported_language(person.language)
        if language is None:
            return super().dispatch(request, *args, **kwargs)
        # As LocaleMiddleware does for the visitor's language: for the rest of this request
        # (the view, its messages, the rendering, the Content-Language header it then sets).
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = super().dispatch(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    @classmethod
    def remember_language(cls, url_kwargs: dict, language: str) -> int:
        """Store `language` with the person whose page has these URL arguments (their token);
        how many rows changed (0: no such person)."""
        token = url_kwargs.get("token")
        if not isinstance(token, str) or "\x00" in token:  # PostgreSQL refuses a NUL
            return 0
        return cls.person_model.objects.filter(token=token).update(language=language)
