"""Screenshots of the main pages, desktop and phone, for CI's artifacts and the README.

Each is written to tests/artifacts/screenshots/ and copied over docs/screenshots/ (committed).
Registration is open (the seed moved to next year), as a visitor finds it before the workshop.
"""

import struct

import pytest

from .conftest import DESKTOP, DOCS_SCREENSHOTS, PHONE, save_screenshot

PAGES = {"home": "/", "program": "/program/", "register": "/register/"}
SCREENS = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk comes first)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("name", PAGES)
def test_screenshot_of_page(new_context, open_workshop, name, screen):
    page = new_context(**SCREENS[screen]).new_page()
    page.goto(PAGES[name])
    page.get_by_role("heading", level=1).wait_for()

    path = save_screenshot(page, f"{name}-{screen}")

    viewport = SCREENS[screen]["viewport"]
    assert png_size(path.read_bytes()) == (viewport["width"], viewport["height"])
    assert (DOCS_SCREENSHOTS / path.name).read_bytes() == path.read_bytes()
