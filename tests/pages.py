"""Reading the site's HTML in tests: a small element tree built with the standard library's parser.

Attribute values and text come out unescaped (`&amp;` is `&`), so tests compare them with plain
strings. Text is whitespace-normalised, with a space wherever a block element starts or ends.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

EN_DASH = "\N{EN DASH}"  # between two times, as in 14:15-15:15

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
}  # fmt: skip
# Elements whose edges separate words when a browser renders the page.
BLOCK_ELEMENTS = {
    "address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "head", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
}  # fmt: skip


def normalise(text: str) -> str:
    """Collapse every run of whitespace into one space, as a browser shows it."""
    return " ".join(text.split())


def fold(text: str) -> str:
    """Normalised, accent- and case-insensitive text: "Jeremy" matches "Jérémy"."""
    decomposed = unicodedata.normalize("NFKD", normalise(text))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def iter(self):
        """This element and all its descendants, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(
        self, tag: str | None = None, *, class_: str | None = None, **attrs
    ) -> list[Element]:
        """Descendants (and self) with this tag, this class among their classes, these attributes.

        Attribute names use `_` for `-` (`aria_label="Main"`); a value of True means "present".
        """
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        found = []
        for element in self.iter():
            if tag is not None and element.tag != tag:
                continue
            if class_ is not None and class_ not in element.attrs.get("class", "").split():
                continue
            if all(
                name in element.attrs if value is True else element.attrs.get(name) == value
                for name, value in wanted.items()
            ):
                found.append(element)
        return found

    def find(self, tag: str | None = None, **kwargs) -> Element:
        """The one element matching; fails the test if there is none or more than one."""
        found = self.find_all(tag, **kwargs)
        assert len(found) == 1, f"expected one <{tag}> matching {kwargs} in {self}, found {found}"
        return found[0]

    @property
    def text(self) -> str:
        """The text a reader sees, whitespace-normalised."""
        parts: list[str] = []
        self._collect_text(parts)
        return normalise("".join(parts))

    def _collect_text(self, parts: list[str]) -> None:
        if self.tag in {"script", "style"}:
            return
        block = self.tag in BLOCK_ELEMENTS
        if block:
            parts.append(" ")
        for child in self.children:
            if isinstance(child, Element):
                child._collect_text(parts)
            else:
                parts.append(child)
        if block:
            parts.append(" ")

    def section(self, heading: str) -> Element:
        """The one `<section>` whose first heading starts with `heading` (case-insensitive)."""
        found = []
        for section in self.find_all("section"):
            headings = [e for e in section.iter() if e.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}]
            if headings and headings[0].text.casefold().startswith(heading.casefold()):
                found.append(section)
        assert len(found) == 1, f"expected one section headed {heading!r}, found {found}"
        return found[0]

    def links(self) -> list[str]:
        """Every `href` of an `<a>` inside, in order."""
        return [a.attrs["href"] for a in self.find_all("a", href=True)]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value if value is not None else "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag):
        # Tolerate unclosed elements: close up to the nearest open element with this tag.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str | bytes) -> Element:
    """The document tree of an HTML page."""
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return builder.root


def get_page(client, url: str, *, status: int = 200) -> Element:
    """GET `url`, check the status code, and return the parsed page."""
    response = client.get(url)
    assert response.status_code == status, f"GET {url}: {response.status_code}, expected {status}"
    return parse(response.content)
