"""Steps people take in the browser, shared by the end-to-end tests."""

from django.core import mail

from tests.conftest import links_in

PASSWORD = "correct horse battery staple"


def admin_login(page, live_server, username="moderator", password=PASSWORD):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username:").fill(username)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Organizers’ desk").wait_for()


def fill_signing_form(page, *, name, email, city="Oakland", website=""):
    """Fills in the English signing form as a person would, and sends it."""
    page.get_by_label("Organization name").fill(name)
    if website:
        page.get_by_label("Organization website (optional)").fill(website)
    page.get_by_label("City").fill(city)
    page.get_by_label("Country").fill("United States")
    page.get_by_label("Your name").fill("Pat Contact")
    page.get_by_label("Your email").fill(email)
    page.get_by_label("I am authorized to sign on behalf of this organization").check()
    page.get_by_role("button", name="Sign the letter").click()


def confirm_latest_mail_to(page, email):
    """Follows the confirmation link in the newest mail to `email` and presses the button."""
    [message] = [m for m in mail.outbox if m.to == [email]][-1:]
    [link] = [link for link in links_in(message) if "/confirm/" in link]
    page.goto(link)
    page.get_by_role("button", name="Confirm our signature").click()
