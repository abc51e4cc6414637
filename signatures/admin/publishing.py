"""The publishing kit on a letter's admin page: what staff need to spread the letter (its
address, the embed snippet, its other forms, a QR code) and how its signatures stand."""

import segno
from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from signatures.models import Signature

# Tall enough for the widget (templates/letters/embed.html) with a two-line title, the count,
# the button and the deadline at a partner site's usual column width; checked in a browser
# by tests/e2e/test_publishing_kit.py.
EMBED_HEIGHT = 240


def queue_url(letter, status) -> str:
    """The signature list filtered to this letter and status."""
    changelist = reverse("admin:signatures_signature_changelist")
    return f"{changelist}?letter__id__exact={letter.pk}&status__exact={status}"


def embed_snippet(letter) -> str:
    """The iframe a partner site pastes: the widget at its height, framed from anywhere."""
    return format_html(
        '<iframe src="{}" title="{}" width="100%" height="{}" style="border:0;max-width:40rem" '
        'loading="lazy"></iframe>',
        settings.SITE_URL + reverse("letters:embed", args=[letter.slug]),
        letter.title,
        EMBED_HEIGHT,
    )


def publishing_kit(letter) -> dict:
    public_url = letter.get_canonical_url()
    text_path = reverse("letters:text", args=[letter.slug])
    by_status = letter.signatures.order_by().values("status").annotate(n=Count("id"))
    counts = {row["status"]: row["n"] for row in by_status}
    return {
        "public_url": public_url,
        "is_public": letter.is_public,
        "embed_snippet": embed_snippet(letter),
        "embed_height": EMBED_HEIGHT,
        "formats": [
            ("txt", text_path),
            ("csv", reverse("letters:signatories_csv", args=[letter.slug])),
            ("json", reverse("letters:signatories_json", args=[letter.slug])),
            # /letters/<slug>.pdf is served by the signer pages' work; named by its path here
            # so that the kit links to it without depending on that view's URL name.
            ("pdf", text_path.removesuffix(".txt") + ".pdf"),
        ],
        "qr_code": segno.make(public_url, error="m").svg_data_uri(scale=4),
        "statuses": [
            (label, counts.get(status, 0), queue_url(letter, status))
            for status, label in Signature.Status.choices
        ],
    }
