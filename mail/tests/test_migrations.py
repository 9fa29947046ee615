"""The outbox model moved from the project's app to ``mail``: rows, table and permissions stay."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mail import outbox
from mail.models import OutboxEmail


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_keeps_its_outbox_rows_and_permissions_through_the_move():
    email = outbox.queue_email(
        to="a@example.jp", template="emails/test_message", context={}, language="ja"
    )
    resend = Permission.objects.get(codename="resend_outboxemail")
    group = Group.objects.create(name="Outbox readers")
    group.permissions.add(resend)

    # Back to before the move: the model is the project app's again, under its old label.
    _migrate([("mail", None)])
    before = ContentType.objects.get(pk=resend.content_type_id)
    assert (before.app_label, before.model) == ("harassment_portal", "outboxemail")

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    after = ContentType.objects.get_for_model(OutboxEmail)
    assert after.pk == before.pk and after.app_label == "mail"
    assert OutboxEmail._meta.db_table == "harassment_portal_outboxemail"
    assert OutboxEmail.objects.get(pk=email.pk).to_email == "a@example.jp"
    assert group.permissions.get().pk == resend.pk
    assert Permission.objects.filter(codename="resend_outboxemail").count() == 1
