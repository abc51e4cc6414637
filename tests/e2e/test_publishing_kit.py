"""A partner site embeds the letter: staff copy the snippet from the letter's publishing kit,
paste it into a page served from another loopback origin, and the widget shows there, whole
within the snippet's height."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.steps import PASSWORD, admin_login
from tests.factories import make_letter, make_signature, make_staff

pytestmark = pytest.mark.django_db(transaction=True)


class PartnerSite:
    """A web server on another loopback port (so another origin) serving one page."""

    def __init__(self, html: str):
        body = html.encode()

        class Page(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 — http.server's hook name
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_embed_snippet_copied_from_the_kit_works_on_a_partner_site(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    letter = make_letter(
        title="Letter to Brightline Transit on rider location tracking",
        signing_deadline=timezone.now() + timedelta(days=30),
    )
    for _ in range(3):
        make_signature(letter)
    make_staff(password=PASSWORD)
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    admin_login(page, live_server)

    page.goto(f"{live_server.url}/admin/letters/letter/{letter.pk}/change/")
    kit = page.locator(".publishing-kit")
    kit.get_by_role("button", name="Copy").nth(1).click()
    kit.get_by_role("status").filter(has_text="Copied").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "publishing-kit.png"))
    snippet = page.evaluate("navigator.clipboard.readText()")
    assert snippet == page.get_by_label("Embed on another site").input_value()
    assert snippet.startswith(f'<iframe src="{live_server.url}/letters/{letter.slug}/embed/"')

    with PartnerSite(f"<!doctype html><title>Partner</title><h1>Partner</h1>{snippet}") as site:
        assert site.url.split(":")[2] != live_server.url.split(":")[2]  # another origin
        partner = context.new_page()
        partner.set_viewport_size({"width": 320, "height": 700})
        partner.goto(site.url)
        widget = partner.frame_locator("iframe")
        widget.get_by_text("3 organizations have signed").wait_for()
        assert widget.get_by_role("link", name="Add your organization").is_visible()
        frame = partner.locator("iframe").bounding_box()
        card = widget.locator(".embed-card").bounding_box()
        assert card["y"] + card["height"] <= frame["y"] + frame["height"]
        partner.screenshot(path=str(ARTIFACTS / "embed-on-partner-site.png"))
    context.close()
