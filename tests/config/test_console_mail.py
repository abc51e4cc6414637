import io

from django.core.mail import EmailMessage

from config.console_mail import ReadableConsoleEmailBackend


def test_console_mail_prints_links_whole(settings):
    link = "http://127.0.0.1:8000/confirm/" + "x" * 90 + "/"
    stream = io.StringIO()
    backend = ReadableConsoleEmailBackend(stream=stream, alias="default")
    message = EmailMessage(
        subject="Confirm “this”", body=f"Open:\n\n{link}\n", to=["a@example.org"]
    )
    assert backend.send_messages([message]) == 1
    output = stream.getvalue()
    assert link in output
    assert "Subject: Confirm “this”" in output
