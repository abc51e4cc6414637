"""Names are now compared without invisible characters, look-alike letters of other scripts
or accents (signatures/spoofing.py): recompute the stored keys. Where two entries already on
one letter now compare equal, the later one keeps its old key, since neither can be dropped;
the moderators see both, as before."""

from django.db import migrations

from signatures.models import STANDING_STATUSES, normalize_organization_name


def recompute(apps, schema_editor):
    Signature = apps.get_model("signatures", "Signature")
    Organization = apps.get_model("signatures", "Organization")

    taken = set(Organization.objects.values_list("normalized_name", flat=True))
    for organization in Organization.objects.order_by("pk"):
        key = normalize_organization_name(organization.name)
        if key != organization.normalized_name and key and key not in taken:
            taken.discard(organization.normalized_name)
            taken.add(key)
            Organization.objects.filter(pk=organization.pk).update(normalized_name=key)

    standing = set(
        Signature.objects.filter(status__in=STANDING_STATUSES).values_list(
            "letter_id", "normalized_name"
        )
    )
    for signature in Signature.objects.order_by("submitted_at", "pk"):
        key = normalize_organization_name(signature.name)
        if key == signature.normalized_name or not key:
            continue
        if signature.status in STANDING_STATUSES:
            if (signature.letter_id, key) in standing:
                continue
            standing.discard((signature.letter_id, signature.normalized_name))
            standing.add((signature.letter_id, key))
        Signature.objects.filter(pk=signature.pk).update(normalized_name=key)


class Migration(migrations.Migration):
    dependencies = [("signatures", "0005_signers_source_and_news")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
