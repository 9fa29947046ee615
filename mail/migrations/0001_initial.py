"""The outbox model moves from the project's app (label ``harassment_portal``) to ``mail``.

Only Django's record of the model moves: the table stays ``harassment_portal_outboxemail``
(``db_table``), with its rows, indexes and constraints. The content type is renamed, so that
the outbox's permissions (and the staff groups that hold them) follow the model.
"""

import core.fields
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    old = ContentType.objects.using(db).filter(app_label="harassment_portal", model="outboxemail")
    if not ContentType.objects.using(db).filter(app_label="mail", model="outboxemail").exists():
        old.update(app_label="mail")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="mail", model="outboxemail").update(
        app_label="harassment_portal"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('harassment_portal', '0004_encrypt_personal_data'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OutboxEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='created')),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('failed', 'Failed (gave up)')], default='pending', max_length=10, verbose_name='status')),
                        ('to_email', core.fields.EncryptedEmailField(max_length=254, verbose_name='recipient')),
                        ('to_email_index', models.CharField(db_index=True, default='', editable=False, max_length=64)),
                        ('language', models.CharField(max_length=5, verbose_name='language')),
                        ('template', models.CharField(max_length=200, verbose_name='template')),
                        ('subject', models.CharField(max_length=300, verbose_name='subject')),
                        ('body_text', core.fields.EncryptedTextField(verbose_name='text body')),
                        ('body_html', core.fields.EncryptedTextField(blank=True, verbose_name='HTML body')),
                        ('attachments', models.JSONField(blank=True, default=list, verbose_name='attachments')),
                        ('message_id', models.CharField(max_length=200, unique=True, verbose_name='Message-ID')),
                        ('attempts', models.PositiveIntegerField(default=0, verbose_name='attempts')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('last_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='last attempt')),
                        ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('object_id', models.CharField(blank=True, max_length=64, verbose_name='record id')),
                        ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='contenttypes.contenttype', verbose_name='about')),
                    ],
                    options={
                        'verbose_name': 'outbox email',
                        'verbose_name_plural': 'outbox emails',
                        'db_table': 'harassment_portal_outboxemail',
                        'ordering': ['-created_at'],
                        'permissions': [('resend_outboxemail', 'Can send outbox emails again')],
                        'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='outbox_due_idx'), models.Index(fields=['content_type', 'object_id'], name='outbox_about_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'sent', 'failed'])), name='outbox_status_valid')],
                    },
                    bases=(core.fields.BlindIndexed, models.Model),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type, elidable=False),
    ]
