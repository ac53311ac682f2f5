"""Draw static/favicon.ico (16, 32 and 48 px) from static/favicon.svg, once, with Pillow.

The mark is an L for LoRAINNe drawn as a rank-one product: a column (u) and a row (vᵀ), and
beside them the matrix they make, as dots. The SVG holds only rectangles and circles; this
script draws the same shapes, four times larger and scaled down (smooth edges), so that the ICO
follows the SVG. Run it again after changing the SVG: `.venv/bin/python deploy/make_favicon.py`.
"""

import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "static"
SVG = "{http://www.w3.org/2000/svg}"
OVERSAMPLE = 4
SIZES = [(16, 16), (32, 32), (48, 48)]


def render(svg: Path, size: int) -> Image.Image:
    root = ET.parse(svg).getroot()
    _, _, width, _ = (float(value) for value in root.get("viewBox").split())
    scale = size * OVERSAMPLE / width
    image = Image.new("RGBA", (size * OVERSAMPLE,) * 2, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for shape in root:

        def number(name: str, shape=shape) -> float:
            return float(shape.get(name, 0)) * scale

        if shape.tag == f"{SVG}rect":
            x, y = number("x"), number("y")
            box = (x, y, x + number("width") - 1, y + number("height") - 1)
            draw.rounded_rectangle(box, radius=number("rx"), fill=shape.get("fill"))
        elif shape.tag == f"{SVG}circle":
            cx, cy, r = number("cx"), number("cy"), number("r")
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=shape.get("fill"))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    largest = render(STATIC / "favicon.svg", 48)
    images = [render(STATIC / "favicon.svg", size) for size, _ in SIZES[:-1]]
    largest.save(STATIC / "favicon.ico", sizes=SIZES, append_images=images)


if __name__ == "__main__":
    main()
