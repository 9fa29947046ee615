"""Consultations sent before the case page get their link too, so that the next reply to
them carries it (anonymised ones stay without)."""

import secrets

from django.db import migrations

from core.encryption import token_hash


def give_links(apps, schema_editor):
    Consultation = apps.get_model("consultations", "Consultation")
    for consultation in Consultation.objects.filter(token_hash__isnull=True, anonymised_at=None):
        consultation.token = secrets.token_urlsafe(32)
        consultation.token_hash = token_hash(consultation.token)
        consultation.save(update_fields=["token", "token_hash"])


class Migration(migrations.Migration):
    dependencies = [("consultations", "0011_second_look")]
    operations = [migrations.RunPython(give_links, migrations.RunPython.noop)]
