"""The letter's preview image (og:image) for links shared on social media and in chats: its title,
how many organizations have signed and who organizes it, drawn on the server with Pillow as a
1200×630 PNG, the size the networks show large. Rendered once per change of the letter or its
count (letters.pages.cached_form), so a shared link shows the current count."""

import io
from functools import cache

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
PAPER, INK, MUTED, ACCENT = "#ffffff", "#1d1d1f", "#555555", "#1a4f8b"

# Debian's fonts-liberation, then DejaVu; Pillow's own font if neither is installed.
FONT_FILES = {
    "bold": (
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    ),
    "regular": (
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    ),
}


@cache
def _font(weight: str, size: int):
    for path in FONT_FILES[weight]:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _fit(draw, text: str, font, width: int) -> str:
    """One line, shortened with an ellipsis if it would run past `width`."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip(" ,") + "…"


def _title_lines(draw, title: str, width: int):
    """The title as large as fits in three lines; beyond that, cut with an ellipsis."""
    for size in (68, 60, 52, 46):
        font = _font("bold", size)
        lines = _wrap(draw, title, font, width)
        if len(lines) <= 3:
            return font, lines
    lines = _wrap(draw, title, font, width)
    return font, [*lines[:2], _fit(draw, " ".join(lines[2:]), font, width)]


def letter_card(letter, count: int) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 24, HEIGHT), fill=ACCENT)
    width = WIDTH - 2 * MARGIN

    font, lines = _title_lines(draw, letter.title, width)
    y = MARGIN
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=INK)
        y += int(font.size * 1.2)

    # The card is shared with the letter, so it speaks the letter's language.
    with translation.override(letter.language):
        signed = ngettext(
            "organization has signed", "organizations have signed", count
        ) if letter.accepts_signatures else ngettext(
            "organization signed", "organizations signed", count
        )  # fmt: skip
        organizers = letter.organizer_names
        organized = _("Organized by %(names)s") % {"names": ", ".join(organizers)}
        number = formats.number_format(count, force_grouping=True)

    number_font, label_font = _font("bold", 96), _font("regular", 40)
    baseline = HEIGHT - MARGIN - (70 if organizers else 0)
    draw.text((MARGIN, baseline), number, font=number_font, fill=ACCENT, anchor="ls")
    after = MARGIN + draw.textlength(number, font=number_font) + 24
    draw.text(
        (after, baseline),
        _fit(draw, signed, label_font, WIDTH - MARGIN - int(after)),
        font=label_font,
        fill=INK,
        anchor="ls",
    )
    if organizers:
        small = _font("regular", 32)
        draw.text(
            (MARGIN, HEIGHT - MARGIN),
            _fit(draw, organized, small, width),
            font=small,
            fill=MUTED,
            anchor="ls",
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
