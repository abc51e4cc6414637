"""Links that pass a letter on: plain links to each network's own share page (nothing of theirs
runs on our pages, and nothing tells them who reads the letter until someone chooses to share),
and a prefilled email inviting another organization to sign, with the signing link."""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

# Each network's share page and what it is told: the letter's address and, where it takes
# one, a line of text.
NETWORKS = (
    ("Bluesky", "https://bsky.app/intent/compose", lambda url, text: {"text": f"{text} {url}"}),
    ("Facebook", "https://www.facebook.com/sharer/sharer.php", lambda url, text: {"u": url}),
    ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/", lambda url, text: {"url": url}),
    ("X", "https://x.com/intent/post", lambda url, text: {"text": text, "url": url}),
    ("WhatsApp", "https://wa.me/", lambda url, text: {"text": f"{text} {url}"}),
)


@dataclass(frozen=True)
class ShareLink:
    network: str
    url: str


@dataclass(frozen=True)
class Sharing:
    letter_url: str
    links: list[ShareLink]
    # Empty once the letter takes no more signatures: there is nobody left to invite.
    invite_mailto: str
    sign_url: str


def _query(params: dict) -> str:
    return urlencode(params, quote_via=quote)


def signing_url(letter, *, source: str = "") -> str:
    url = settings.SITE_URL + reverse("signatures:sign", kwargs={"slug": letter.slug})
    return f"{url}?{_query({'source': source})}" if source else url


def sharing(letter, *, source: str = "", signed: bool = False) -> Sharing:
    """In the current language. `source` goes on the signing link of the invitation, so the
    organizers see who recruited whom; `signed` says the invitation comes from a signatory."""
    letter_url = letter.get_canonical_url()
    text = letter.title
    links = [
        ShareLink(network, f"{page}?{_query(params(letter_url, text))}")
        for network, page, params in NETWORKS
    ]
    if not letter.accepts_signatures:
        return Sharing(letter_url, links, "", "")
    sign_url = signing_url(letter, source=source)
    values = {"title": letter.title, "url": letter_url, "sign_url": sign_url}
    if signed:
        body = _(
            "We have signed the letter “%(title)s” and hope your organization will sign it "
            "too.\n\nRead it: %(url)s\n\nAdd your organization: %(sign_url)s\n"
        )
    else:
        body = _(
            "Would your organization sign the letter “%(title)s”?\n\nRead it: %(url)s\n\n"
            "Add your organization: %(sign_url)s\n"
        )
    subject = _("Will your organization sign “%(title)s”?") % values
    mailto = "mailto:?" + _query({"subject": subject, "body": body % values})
    return Sharing(letter_url, links, mailto, sign_url)
