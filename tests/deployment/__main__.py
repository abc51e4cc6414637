"""`make stack`: docker-compose.yml's topology as processes (tests/deployment/stack.py), with
a demo letter, until Ctrl-C; a mail server on loopback prints each mail."""

import os
import secrets
import signal
import sys
import time

from tests.deployment.stack import ARTIFACTS, Stack
from tests.signatures.mail_server import SMTPSink, free_port


def main() -> None:
    """`make stack`: the topology until Ctrl-C, with a mail server that prints each mail."""
    # The services run in sessions of their own; a TERM must stop them too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    smtp_port = free_port()
    dotenv = {"SECRET_KEY": secrets.token_urlsafe(50), "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"}
    port = int(os.environ.get("STACK_PORT", "8443"))
    with SMTPSink(smtp_port) as sink, Stack(dotenv, https_port=port) as stack:
        demo = stack.run("web", ["python", "manage.py", "load_demo"])
        print(demo.stdout, demo.stderr)
        print(
            f"The compose topology is up at https://{stack.host}:{port}/ (browsers send "
            f"*.localhost to this machine). Its certificate comes from Caddy's own CA "
            f"({stack.ca_file}): trust that or accept the warning. Logs: {stack.logdir} "
            f"(kept in {ARTIFACTS} when it stops). "
            "Mail is printed here. Ctrl-C stops everything.",
            flush=True,
        )
        shown = 0
        try:
            while True:
                for message in sink.messages[shown:]:
                    print(f"--- mail to {message['To']}: {message['Subject']}")
                    print(message.get_body(("plain",)).get_content(), flush=True)
                shown = len(sink.messages)
                time.sleep(0.5)
        except KeyboardInterrupt:
            print("Stopping.")


if __name__ == "__main__":
    main()
