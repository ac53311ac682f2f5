"""The call's text, in each of the site's languages (program/translation.py says how)."""

from modeltranslation.translator import TranslationOptions, register

from program import translated_texts
from program.translation import SOURCE

from .models import Call


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = SOURCE


translated_texts.keep_source_in_original_columns(Call, CallTranslation.fields)
