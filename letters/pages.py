"""Every public form of a letter (page, .txt, CSV, JSON, embed, and any added later through
`cached_form`) is rendered once per change and served from the cache after that.

Nothing deletes a cached form: its key carries the letter's `public_version`, which every change
the public can see increments in the transaction that makes the change (Letter.save,
LetterGroup.save, and the signature services for approvals, withdrawals and the like). So the
new key appears exactly when the change commits, and a warm request costs the letter's row,
read once by the view, and one cache read; a reader who already holds that version gets a 304
from the row alone (`form_version`)."""

import hashlib
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from letters.card import letter_card
from letters.listing import public_signatories
from letters.models import LetterHead
from letters.sharing import sharing

PAGE = "page"
EMBED = "embed"


def _release() -> str:
    """What the rendering code looks like in this deploy: the templates, translations and
    stylesheets by name, size and modification time. A deploy that changes any of them makes
    new cache keys, so cached pages never outlive the code that rendered them."""
    digest = hashlib.sha256()
    for folder in ("templates", "locale", "letters/static"):
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                name = path.relative_to(settings.BASE_DIR)
                digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


RELEASE = _release()


def form_version(letter, form: str, *, language_query: str = "") -> str:
    """The version of one public form of the letter as this reader gets it: its ETag and its
    cache key. Besides the letter's public version, the clock matters (a deadline passing
    closes the signing form), and so do the language and how it was chosen (`?lang=` or the
    browser): the page's links differ, not only its words."""
    parts = (
        RELEASE, letter.pk, letter.public_version, form, letter.accepts_signatures,
        translation.get_language(), language_query,
    )  # fmt: skip
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:32]


class RecentForms:
    """This process's copies of the forms it served last. A warm request then reads no
    hundreds of kilobytes from the shared cache: a cached form is as cheap as a static file.
    Each copy is keyed on its version, so it is exactly as fresh as the shared cache's; the
    least recently used go once the copies pass `budget` bytes."""

    def __init__(self, budget: int):
        self.budget = budget
        self._copies: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        # The development server and the test's live server answer in threads.
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            content = self._copies.get(key)
            if content is not None:
                self._copies.move_to_end(key)
            return content

    def put(self, key: str, content) -> None:
        if len(content) > self.budget:
            return
        with self._lock:
            if key in self._copies:
                return
            self._copies[key] = content
            self._size += len(content)
            while self._size > self.budget:
                _key, dropped = self._copies.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._copies.clear()
            self._size = 0


# A few dozen pages of a letter with thousands of signatories, per process.
recent_forms = RecentForms(budget=32 * 2**20)


def letter_context(letter, *, language_query: str = "") -> dict:
    """`language_query` is the request's (letters/language.py): these pages are rendered
    without the request, so its context processor does not run."""
    signatories = public_signatories(letter)
    return {
        "letter": letter,
        "signatories": signatories,
        "signatory_count": len(signatories),
        "language_query": language_query,
        # What the letter itself is written in; its date line follows it, not the reader.
        "letter_language": letter.language,
        "share": sharing(letter),
        "site_url": settings.SITE_URL,
    }


def cached_form(letter, form: str, render, *, language_query: str = "") -> tuple[bytes, str]:
    """`render(letter)` once per change of the letter's public data (and per language and way
    of choosing it), then from the cache; with a version tag for it (an ETag: it changes
    exactly when the content may). The content comes back as bytes, text encoded in UTF-8
    once, when rendered, rather than on every response. `letter` may be a LetterHead: the
    whole letter is then read only to render."""
    version = form_version(letter, form, language_query=language_query)
    key = f"letter-{form}:{version}"
    content = recent_forms.get(key)
    if content is None:
        content = cache.get(key)
        if content is None:
            content = render(letter.load() if isinstance(letter, LetterHead) else letter)
            if isinstance(content, str):
                content = content.encode()
            cache.set(key, content, settings.LETTER_PAGE_CACHE_SECONDS)
        recent_forms.put(key, content)
    return content, version


def page_html(letter, *, language_query: str = "") -> str:
    context = letter_context(letter, language_query=language_query)
    context["revisions"] = list(letter.revisions.all())
    return render_to_string("letters/letter_detail.html", context)


def embed_html(letter, *, language_query: str = "") -> str:
    return render_to_string(
        "letters/embed.html", letter_context(letter, language_query=language_query)
    )


def card_png(letter) -> bytes:
    """The preview image (letters/card.py), drawn anew when the count (or anything else the
    public sees of the letter) changes, since those make a new version of the letter."""
    return letter_card(letter, letter.signatures.approved().count())
