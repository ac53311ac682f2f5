"""What a browser would submit from a form on a page: the admin's change forms, with inlines."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, wanted: dict[str, str]):
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.in_form = False
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_values: list[str] = []
        self._first_option: str | None = None
        self._multiple = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and all(attrs.get(name) == value for name, value in self.wanted.items()):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "option":
            if self._select is not None:
                value = attrs.get("value", "")
                if self._first_option is None:
                    self._first_option = value
                if "selected" in attrs:
                    self._select_values.append(value)
            return
        name = attrs.get("name")
        if not name or "__prefix__" in name:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.append((name, attrs.get("value", default)))
        elif tag == "select":
            self._select, self._select_values, self._first_option = name, [], None
            self._multiple = "multiple" in attrs
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "select" and self._select is not None:
            values = self._select_values
            if not values and not self._multiple:  # a browser submits the first option
                values = [self._first_option or ""]
            self.data += [(self._select, value) for value in values]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the newline that follows <textarea>.
            self.data.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_data(html: str, form_id: str = "", **attrs: str) -> dict[str, str | list[str]]:
    """The fields of <form id=form_id> as a browser would post them (inline templates left out).
    A form without an id is found by its attributes instead (`class_="form"`, `action="/…"`;
    "" for one without a value, such as `novalidate`)."""
    wanted = {name.rstrip("_"): value for name, value in attrs.items()}
    parser = _FormParser({"id": form_id, **wanted} if form_id else wanted)
    parser.feed(html)
    data: dict[str, str | list[str]] = {}
    for name, value in parser.data:
        if name in data:
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value
    return data
