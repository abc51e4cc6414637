"""Signers as people: each opens the signing form, fills it in, sends it, and on the page that
says to try again in a minute (503) sends the form it gives back again, a moment later."""

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.faults.servers import Browser, hidden_fields

# The ways two people at one organization spell it: case, "The", punctuation, "&", accents,
# full-width letters, spacing, an invisible zero-width space.
SPELLINGS = [
    ("Friends of the River {n}", "the friends of the river {n}."),
    ("Café Solidario {n}", "Cafe Solidario {n}"),
    ("Tenants & Neighbors {n}", "Tenants and Neighbors {n}"),
    ("Ｒｉｖｅｒ Ｋｅｅｐｅｒｓ {n}", "River Keepers {n}"),
    ("Open Streets Project {n}", "Open  Streets   Project {n}"),
    ("Sea Shepherds {n}", "Sea\u200b Shepherds {n}"),
]


@dataclass
class Signer:
    organization: str  # which organization they speak for, whatever the spelling
    name: str
    email: str
    address: str
    answers: list = field(default_factory=list)  # every HTTP status they got
    told: str = ""  # what the last page told them

    def form_data(self, hidden: dict) -> dict:
        return hidden | {
            "name": self.name, "website": "", "city": "Springfield", "region": "",
            "country": "United States", "contact_name": f"Contact for {self.name}",
            "contact_title": "", "contact_email": self.email, "authorized": "on", "note": "",
        }  # fmt: skip

    @property
    def accepted(self) -> bool:
        """Told their organization is in: the check-your-email page, or "already added"."""
        return self.told in ("check your email", "already added")


def make_signers(*, singles: int, pairs: int, batch: str) -> list[Signer]:
    signers = []
    for n in range(singles):
        signers.append(
            Signer(f"{batch}-s{n}", f"Solo Group {batch} {n}", f"solo{n}@{batch}.example.org", "")
        )
    for n in range(pairs):
        first, second = SPELLINGS[n % len(SPELLINGS)]
        for k, spelling in enumerate((first, second)):
            signers.append(
                Signer(f"{batch}-p{n}", spelling.format(n=f"{batch} {n}"),
                       f"pair{n}-{k}@{batch}.example.org", "")
            )  # fmt: skip
    for index, signer in enumerate(signers):
        signer.address = f"198.51.{100 + index // 250}.{index % 250 + 1}"
    return signers


def open_form(signer: Signer, port: int, slug: str) -> tuple[Browser, dict]:
    browser = Browser(port, signer.address)
    status, html, _ = browser.get(f"/letters/{slug}/sign/")
    assert status == 200, html[:300]
    return browser, hidden_fields(html)


def send(signer: Signer, browser: Browser, hidden: dict, slug: str, *, tries: int = 20) -> None:
    """Send the form; after a 503, send the form that page gives back, a second later."""
    for _ in range(tries):
        status, html, headers = browser.post(f"/letters/{slug}/sign/", signer.form_data(hidden))
        signer.answers.append(status)
        if status == 302 and "/check-your-email/" in headers["Location"]:
            signer.told = "check your email"
        elif status == 200 and "has already been added" in html:
            signer.told = "already added"
        else:
            signer.told = f"{status}"
        if status != 503:
            return
        hidden = hidden_fields(html)
        assert signer.name in html or "value=" in html  # the form came back, filled in
        time.sleep(1)


def sign_together(signers, *, port: int, slug: str, during=None, after: int = 0) -> None:
    """All signers open the form, then send it at the same moment (a barrier), each in its
    own thread; `during()` runs once `after` answers are in."""
    opened = [open_form(signer, port, slug) for signer in signers]
    time.sleep(1.1)  # FORM_MIN_FILL_SECONDS in the stack: people take their time
    barrier = threading.Barrier(len(signers), timeout=30)
    answered = threading.Semaphore(0)
    errors = []

    def run(signer, browser, hidden):
        try:
            barrier.wait()
            send(signer, browser, hidden, slug)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            answered.release()

    threads = [
        threading.Thread(target=run, args=(signer, *form), daemon=True)
        for signer, form in zip(signers, opened, strict=True)
    ]
    for thread in threads:
        thread.start()
    if during is not None:
        for _ in range(after):
            answered.acquire(timeout=60)
        during()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)


def figures(signers, stack) -> dict:
    """What the issue asks to be printed, counted from the answers, the stored rows and the
    mail server."""
    rows = stack.query(
        "SELECT s.name, s.contact_email FROM signatures_signature s JOIN letters_letter l "
        "ON l.id = s.letter_id WHERE l.slug = %s AND s.status IN ('unconfirmed', 'pending', "
        "'approved')",
        stack.slug,
    )
    stored_emails = Counter(email for _, email in rows)
    by_email = {signer.email: signer for signer in signers}
    stored_orgs = Counter(
        by_email[email].organization for email in stored_emails if email in by_email
    )
    answers = Counter(status for signer in signers for status in signer.answers)
    received = stack.received()
    mine = {email: received[email] for email in by_email}
    return {
        "submissions": len(signers),
        "accepted": sum(signer.accepted for signer in signers),
        "lost": sum(signer.accepted and not stored_orgs[signer.organization] for signer in signers),
        "error pages (503, form kept)": answers[503],
        "raw 500s": answers[500],
        "duplicates stored": sum(count - 1 for count in stored_orgs.values() if count > 1),
        "mail missing or doubled": sum(
            abs(mine[email] - (1 if stored_emails[email] else 0)) for email in by_email
        ),
    }
