"""Titles and abstracts as plain text, for every place where no math is typeset.

Pages typeset the `$…$` and `$$…$$` math of titles and abstracts with KaTeX (static/js/math.js).
Everywhere else a title goes (the browser tab, screen readers' link text, calendars, schema.org
data, program.json's slots, emails, the admin), it goes through `plain_text`, and the models'
`plain_title` call it: how math is written outside the page changes here and only here.

For now each formula becomes readable Unicode (pylatexenc): `$\\mathbb{R}^{m \\times n}$` reads
"ℝ^(m × n)", `$t \\in [a, b]$` "t ∈ [a, b]". The text around the formulas is left as written: it
is not TeX (a "%" there is a percent sign, not a comment).
"""

import base64
import functools
import re
from pathlib import Path

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from pylatexenc import latex2text, latexwalker

# The delimiters of math.js, a dollar escaped as \$ being no delimiter.
MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(.+?)(?<!\\)\$", re.DOTALL)
# A superscript or subscript in braces, up to its brace: its end is found by counting.
SCRIPT_GROUP = re.compile(r"([\^_])\s*\{")
# What reads unambiguously after ^ or _ without parentheses: one character or one command.
ONE_TOKEN = re.compile(r"\s*(?:\\[A-Za-z]+|\\.|.)\s*", re.DOTALL)
# The KaTeX the pages run (static/js/math.js): the commands it knows are read from it.
KATEX = Path(__file__).resolve().parent.parent / "static" / "vendor" / "katex" / "katex.min.js"
# A command of letters (\mathbb); \| or \, are commands of one sign, which KaTeX all knows.
COMMAND = re.compile(r"\\([A-Za-z]+)")
# A ^ or _ with nothing to raise or lower: at the end, or before a closing brace.
EMPTY_SCRIPT = re.compile(r"[\^_]\s*(?:\}|$)")

_context = latex2text.get_default_latex_context_db()
# Norms, which pylatexenc would drop: \|A\|_F reads ‖A‖_F.
_context.add_context_category(
    "lorainne", prepend=True, macros=[latex2text.MacroTextSpec("|", simplify_repl="‖")]
)


class _Converter(latex2text.LatexNodes2Text):
    """pylatexenc's, keeping the spaces written between commands and groups, which it drops:
    "X \\in \\mathbb{R}" would read "X ∈ℝ", "^{n} \\sigma" "^nσ". (Runs of spaces become one.)"""

    def macro_node_to_text(self, node):
        text = super().macro_node_to_text(node)
        return text + node.macro_post_space if self._is_bare_macro_node(node) else text


_converter = _Converter(
    latex_context=_context,
    strict_latex_spaces={"between-latex-constructs": True},
)


def _parenthesize_scripts(tex: str) -> str:
    """`^{m \\times n}` as `^(m \\times n)`: without braces, "ℝ^m × n" would read as ℝ^m times n.
    A script of one character or command (`^{n}`, `^{\\top}`) keeps its braces."""
    out, position = [], 0
    for match in SCRIPT_GROUP.finditer(tex):
        if match.start() < position:
            continue  # inside a script already rewritten
        depth, end = 1, match.end()
        while end < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[end], 0)
            end += 1 + (tex[end] == "\\")  # \{ and \} are characters, not braces
        if depth:
            break  # unbalanced: left for pylatexenc's tolerant parser
        inner = tex[match.end() : end - 1]
        if ONE_TOKEN.fullmatch(inner) or re.fullmatch(r"\s*\(.*\)\s*", inner, re.DOTALL):
            continue  # x^{(t+1)} reads x^(t+1) as it is
        out += [tex[position : match.start()], match[1], "(", _parenthesize_scripts(inner), ")"]
        position = end
    out.append(tex[position:])
    return "".join(out)


def _balanced(tex: str) -> bool:
    depth = 0
    for brace in re.findall(r"\\.|[{}]", tex, re.DOTALL):
        depth += {"{": 1, "}": -1}.get(brace, 0)
        if depth < 0:
            return False
    return depth == 0


@functools.cache
def katex_commands() -> frozenset[str]:
    """The names of the commands KaTeX knows. Each is a string "\\name" of its source (in the
    tables of its symbols, functions and macros); the few that only its messages name are not.
    None without the file: every formula then shows as TeX, and `manage.py check` says why."""
    try:
        source = KATEX.read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(re.findall(r'"\\\\([A-Za-z]+)"', source))


def _readable(tex: str) -> bool:
    """Whether KaTeX typesets the formula `tex` (without its $): its braces pair, each command
    is one KaTeX knows and has its arguments, each \\left its \\right, each ^ and _ a script."""
    if not _balanced(tex) or EMPTY_SCRIPT.search(tex):
        return False
    if len(re.findall(r"\\left(?![A-Za-z])", tex)) != len(re.findall(r"\\right(?![A-Za-z])", tex)):
        return False
    if any(name not in katex_commands() for name in COMMAND.findall(tex)):
        return False
    walker = latexwalker.LatexWalker(f"${tex}$", tolerant_parsing=False)
    try:
        walker.get_latex_nodes()  # a command short of an argument (\frac{a}) stops it
    except latexwalker.LatexWalkerError:
        return False
    return True


def unreadable_formulas(text: str) -> list[str]:
    """The formulas of `text`, as written with their $, that KaTeX cannot typeset: the pages show
    them as TeX (in red), and plain_text as written. The speaker's page and the call's form warn
    the author of them (static/js/speaker_preview.js does the same as they type)."""
    if "$" not in text:
        return []
    return [match[0] for match in MATH.finditer(text) if not _readable(_tex(match))]


def formulas_shown_as_tex(*texts: str | None) -> list[str]:
    """The formulas of `texts` (a title, an abstract) that KaTeX cannot typeset, each once."""
    return list(dict.fromkeys(f for text in texts if text for f in unreadable_formulas(text)))


def _tex(match: re.Match) -> str:
    return match[1] if match[1] is not None else match[2]


def _formula(match: re.Match) -> str:
    tex = _tex(match)
    if not _readable(tex):
        return match[0]  # as written, as KaTeX shows a formula it cannot read
    # Two empty groups before the closing $: a command short of an argument (`\frac{a}`) takes
    # them, not the $ (which would swallow the end of the formula).
    try:
        text = _converter.latex_to_text(f"${_parenthesize_scripts(tex)}{{}}{{}}$")
    except Exception:  # pylatexenc's own slips on odd input (`\frac1\$`, `\sqrt[`)
        return match[0]  # as written: never an error where a title goes
    return " ".join(text.split())


@functools.lru_cache(maxsize=2048)
def plain_text(text: str) -> str:
    """`text` (a title, an abstract) with each formula written as readable plain text."""
    if "$" not in text:
        return text
    return MATH.sub(_formula, text)


# Vector math for PDFs --------------------------------------------------------------------------
# WeasyPrint lays out no MathML (it shows the bare letters in a row) and runs no JavaScript, so the
# PDFs (the book of abstracts) get each formula drawn by ziamath: TeX read by latex2mathml, laid out
# in Python with its own font (STIX Two Math), written as SVG paths. No TeX, no Node, no fetch.

# The size ziamath lays formulas out at, in SVG user units; the image is then sized in em, so a
# formula follows the size of the text around it whatever this is.
MATH_SIZE = 20
# Room around the ink (user units): the strokes of a glyph at the box's edge are not clipped.
MATH_MARGIN = 1
# How much larger than the text around it a formula is set: STIX Two's lower case is smaller than
# Noto Sans's at one font size (x-heights of about 0.47 and 0.54 em), and looked shrunken beside it.
MATH_SCALE = 1.1
# What latex2mathml leaves of a command it does not know: the command itself as a token,
# `<mi>\foo</mi>`, which KaTeX would show as an error. Shown as written instead.
UNKNOWN_COMMAND = re.compile(r">\\[A-Za-z]+<")


@functools.lru_cache(maxsize=2048)
def formula_image(tex: str, *, display: bool = False) -> str | None:
    """The formula `tex` as an <img> of SVG (a data: URI), sized in em and set on the baseline of
    the text around it; None when it does not parse (unbalanced braces, a command short of its
    argument, a command unknown), so that the caller shows the TeX as written.

    An <img> rather than inline <svg>: each formula is a document of its own, so the ids of its
    glyphs (ziamath names them by font and glyph) cannot collide with another formula's, and its
    `alt` keeps the TeX for whoever cannot see it."""
    import ziamath  # reads its font when imported: only where PDFs are made

    # Each glyph drawn where it stands rather than defined once and <use>d: a little larger, but
    # WeasyPrint draws the book's formulas a tenth faster (bench/book.py).
    ziamath.config.svg2 = False
    if not tex.strip() or not _readable(tex):
        return None  # as the pages show it (KaTeX), and as plain_text writes it
    try:
        formula = ziamath.Latex(tex, size=MATH_SIZE, inline=not display, margin=MATH_MARGIN)
        if UNKNOWN_COMMAND.search(formula.mathmlstr()):
            return None
        svg = formula.svg()
        width, height = formula.getsize()
        depth = formula.getyofst()  # the bottom of the ink, from the baseline (negative below)
    except Exception:  # latex2mathml and ziamath raise anything, AssertionError included
        return None
    em = MATH_SIZE / MATH_SCALE
    style = "; ".join(
        (
            f"width: {(width + 2 * MATH_MARGIN) / em:.3f}em",
            f"height: {(height + 2 * MATH_MARGIN) / em:.3f}em",
            f"vertical-align: {(depth - MATH_MARGIN) / em:.3f}em",
        )
    )
    source = base64.b64encode(svg.encode()).decode()
    return format_html(
        '<img class="math{}" src="data:image/svg+xml;base64,{}" alt="{}" style="{}">',
        " display" if display else "",
        source,
        " ".join(tex.split()),  # on one line: a paragraph's line breaks become <br> around it
        style,
    )


def _typeset_formula(match: re.Match) -> str:
    display = match[1] is not None
    image = formula_image(match[1] if display else match[2], display=display)
    return image if image is not None else escape(match[0])


@functools.lru_cache(maxsize=2048)
def typeset_html(text: str) -> SafeString:
    """`text` (a title, a paragraph of an abstract) as safe HTML for a PDF: the text escaped,
    each `$…$` and `$$…$$` formula an SVG image (formula_image), or its TeX as written (escaped)
    when it does not parse. Never raises."""
    parts, position = [], 0
    for match in MATH.finditer(text):
        parts += [escape(text[position : match.start()]), _typeset_formula(match)]
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # each part escaped, or built by format_html
