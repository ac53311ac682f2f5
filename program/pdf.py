"""PDFs from HTML, the one way the site makes them: WeasyPrint, with the fonts of `FONTS`.

The program's book of abstracts (program/book.py) and the registrations' badges and sign-in
sheets (registration/documents.py) use it: it lives in the lower app, which both may import.
WeasyPrint lays out with Pango and HarfBuzz: every font is embedded (subset), Arabic is shaped
and set right to left, and a character the first font lacks falls back to the next font of
`FONTS` that has it. The fonts are Debian's (fonts-noto-core, fonts-noto-cjk, fonts-dejavu-core):
nothing is fetched.
"""

# Pango picks, character by character, the first family that has the glyph: Latin, Greek and
# Cyrillic from Noto Sans, Arabic from Noto Sans Arabic, Chinese, Japanese and Korean from
# Noto Sans CJK (its Japanese forms of the Han characters: a name's language is not known), the
# rest from DejaVu Sans. Family names only: the files come from the packages.
FONTS = ("Noto Sans", "Noto Sans Arabic", "Noto Sans CJK JP", "DejaVu Sans")


def font_family() -> str:
    """FONTS as a CSS font-family list."""
    return ", ".join(f'"{font}"' for font in FONTS)


def html_to_pdf(html: str, css: str) -> bytes:
    """The PDF of `html` laid out with the stylesheet `css` (neither fetches anything: images
    are data: URIs)."""
    # WeasyPrint loads Pango when imported: only here, so that the rest of the site (and its
    # tests) runs on a machine without it, and a missing library shows when a PDF is asked for.
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(string=css)])
