"""Stored mail no longer holds usable private links (signatures/tokens.py): hide the tokens
in mail stored before. Mail not yet sent gets fresh links as it is sent."""

import re

from django.db import migrations

from signatures.tokens import CONFIRM, MANAGE, hidden

# A signed token (django.core.signing: URL-safe base64 and colons) in a confirm or manage link.
_LINK = re.compile(r"/(confirm|manage)/([A-Za-z0-9_\-:]+)/")


def hide_links(apps, schema_editor):
    OutgoingMail = apps.get_model("signatures", "OutgoingMail")
    purposes = {"confirm": CONFIRM, "manage": MANAGE}
    for mail in OutgoingMail.objects.filter(body__regex=r"/(confirm|manage)/").only("pk", "body"):
        body = _LINK.sub(lambda m: f"/{m[1]}/{hidden(purposes[m[1]])}/", mail.body)
        if body != mail.body:
            OutgoingMail.objects.filter(pk=mail.pk).update(body=body)


class Migration(migrations.Migration):
    dependencies = [("signatures", "0006_faults_normalized_names")]

    operations = [migrations.RunPython(hide_links, migrations.RunPython.noop)]
