"""The formulas an author wrote that KaTeX cannot typeset, for the warning beside the preview
of a title and abstract (templates/includes/formula_warnings.html)."""

from django import template

from program.text import formulas_shown_as_tex as _formulas_shown_as_tex

register = template.Library()


@register.simple_tag
def formulas_shown_as_tex(*texts) -> list[str]:
    return _formulas_shown_as_tex(*texts)
