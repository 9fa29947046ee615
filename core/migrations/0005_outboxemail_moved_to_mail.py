"""Django's record of the outbox model now belongs to the ``mail`` app (its table stays)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('harassment_portal', '0004_encrypt_personal_data'),
        ('mail', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='OutboxEmail')],
            database_operations=[],
        ),
    ]
