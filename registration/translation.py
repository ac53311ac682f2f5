"""The option labels and the announcements, in each of the site's languages (program/translation.py
says how)."""

from modeltranslation.translator import TranslationOptions, register

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
