"""Titles and abstracts as plain text, for every place where no math is typeset.

Pages typeset the `$…$` and `$$…$$` math of titles and abstracts with KaTeX (static/js/math.js).
Everywhere else a title goes (the browser tab, screen readers' link text, calendars, schema.org
data, program.json's slots, emails, the admin), it goes through `plain_text`, and the models'
`plain_title` call it: how math is written outside the page changes here and only here.

For now each formula becomes readable Unicode (pylatexenc): `$\\mathbb{R}^{m \\times n}$` reads
"ℝ^(m × n)", `$t \\in [a, b]$` "t ∈ [a, b]". The text around the formulas is left as written: it
is not TeX (a "%" there is a percent sign, not a comment).
"""

import functools
import re
from pathlib import Path

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
