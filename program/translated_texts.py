"""Which version of an organizers' text a reader gets, and in which language it is written.

The texts organizers write (program/translation.py and the other apps' translation.py) have a
column per language. Reading the field (`workshop.description`) gives the active language's
version, else the other's (settings.MODELTRANSLATION_FALLBACK_LANGUAGES); what is done with the
text afterwards (its dates filled in, say) must know which of the two it got."""

from django.conf import settings
from modeltranslation.utils import (
    build_localized_fieldname,
    get_language,
    get_translation_fields,
    resolution_order,
)


def version(instance, field: str) -> tuple[str, str]:
    """The text of `field` as the reader gets it, and the language it is written in (a code of
    settings.LANGUAGES): the active language's version, else the other's; ("", the source
    language) when neither is written."""
    for language in resolution_order(get_language()):
        if text := getattr(instance, build_localized_fieldname(field, language)):
            return text, language
    return "", settings.LANGUAGE_CODE


def columns(field: str) -> list[str]:
    """The column of each language of `field`: ["description_en_gb", "description_fr"]."""
    return get_translation_fields(field)


def keep_source_in_original_columns(model, fields) -> None:
    """Keep each translated field's original column (`description`) the English version, as it
    was before the French ones existed, whatever the language active when a row is saved.

    modeltranslation writes into it the value the field reads, the active language's version,
    so a row saved from a French admin page would hold French there; SQL that reads the
    original column (a report, a dump) would then get either language."""
    for name in fields:
        field = model._meta.get_field(name)
        source = build_localized_fieldname(name, settings.LANGUAGE_CODE)
        empty = None if field.null else ""

        def pre_save(instance, add, source=source, empty=empty):
            value = getattr(instance, source)
            return empty if value is None else value

        field.pre_save = pre_save
