"""The development mail backend (EMAIL_URL=consolemail://, the default of `make run`).

Django's console backend prints the raw MIME message, whose quoted-printable encoding breaks
long confirmation links across lines ("=" at the end of each). This one prints the message as
a person reads it, so the links can be followed straight from the terminal."""

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleEmailBackend(EmailBackend):
    def write_message(self, message):
        self.stream.write(
            f"From: {message.from_email}\nTo: {', '.join(message.to)}\n"
            f"Subject: {message.subject}\n\n{message.body}\n"
        )
        self.stream.write("-" * 79 + "\n")
