"""CSV files that organizers open in a spreadsheet (registrations, the call's reviews): one way
to start the file, name the columns and keep a cell from running as a formula."""

import csv

from django.db import models
from django.http import HttpResponse
from django.utils.text import capfirst

# What starts a formula: the full-width forms too, which some spreadsheets read as the same.
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")


def csv_response(filename: str) -> tuple[HttpResponse, "csv._writer"]:
    """A CSV attachment named `filename`, and the writer to fill it. It starts with a byte-order
    mark, so that spreadsheets read UTF-8 (André, Иштева)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response)


def header(model: type[models.Model], name: str) -> str:
    """A column named as the field's verbose name."""
    return capfirst(model._meta.get_field(name).verbose_name)


def defuse_formula(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas, even after spaces or line
    breaks, and some start one at a tab or a carriage return: make them text."""
    if value[:1] in ("\t", "\r") or value.lstrip()[:1] in FORMULA_STARTS:
        return "'" + value
    return value
