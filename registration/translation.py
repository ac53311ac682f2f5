"""The option labels and the announcements, in each of the site's languages (program/translation.py
says how)."""

from modeltranslation.translator import TranslationOptions, register

from program import translated_texts
from program.translation import SOURCE

from .models import Announcement, Option


@register(Option)
class OptionTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = SOURCE


@register(Announcement)
class AnnouncementTranslation(TranslationOptions):
    fields = ("subject", "body")
    required_languages = SOURCE


translated_texts.keep_source_in_original_columns(Option, OptionTranslation.fields)
translated_texts.keep_source_in_original_columns(Announcement, AnnouncementTranslation.fields)
