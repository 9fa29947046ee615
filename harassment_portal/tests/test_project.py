"""Project-wide guarantees: deploy checks, migrations, catalogues, static files, commands."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

BASE_DIR = Path(settings.BASE_DIR)


PRODUCTION_KEYS = {
    "PORTAL_ENCRYPTION_KEYS": "Zm9yLXRoZS1kZXBsb3ktY2hlY2stb25seS0wMTIzNDU=",
    "PORTAL_SEARCH_KEYS": "for-the-deploy-check-only",
    "TRUSTED_PROXY_COUNT": "1",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warning():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="harassment_portal.settings.production",
        DJANGO_SECRET_KEY="a-Long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="www.customer-harassment-taisaku.metro.tokyo.lg.jp",
        **PRODUCTION_KEYS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_while_the_number_of_proxies_is_not_set():
    keys = {name: value for name, value in PRODUCTION_KEYS.items() if name != "TRUSTED_PROXY_COUNT"}
    result = run_manage(
        "check",
        "--deploy",
        DJANGO_SETTINGS_MODULE="harassment_portal.settings.production",
        DJANGO_SECRET_KEY="a-Long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="www.customer-harassment-taisaku.metro.tokyo.lg.jp",
        **keys,
    )
    assert result.returncode != 0
    assert "portal.E001" in result.stderr and "TRUSTED_PROXY_COUNT" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="harassment_portal.settings.production")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_japanese_catalogue_is_complete():
    catalogue = polib.pofile(str(BASE_DIR / "locale/ja/LC_MESSAGES/django.po"))
    assert not catalogue.metadata_is_fuzzy  # msgfmt would drop the header (plural forms)
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert len(catalogue.translated_entries()) > 100


def test_every_template_string_is_in_the_catalogue(tmp_path):
    """The committed catalogue holds every string the code asks for (run `make messages`)."""
    import shutil

    if not shutil.which("xgettext"):
        pytest.skip("xgettext (GNU gettext) is not installed")
    committed = polib.pofile(str(BASE_DIR / "locale/ja/LC_MESSAGES/django.po"))
    work = tmp_path / "project"
    shutil.copytree(
        BASE_DIR,
        work,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "staticfiles", "node_modules", "*.sqlite3", "__pycache__"
        ),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-obsolete"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "harassment_portal.settings.test"},
    )
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(work / "locale/ja/LC_MESSAGES/django.po"))
    missing = {e.msgid for e in extracted} - {e.msgid for e in committed}
    assert missing == set()


def test_static_files_are_hashed_and_compressed(tmp_path):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--no-input", verbosity=0)
    css = list((tmp_path / "css").glob("portal.*.css"))
    assert [p.name for p in css if p.suffix == ".css"], "no hashed portal.css"
    assert list((tmp_path / "css").glob("portal.*.css.br"))
    assert list((tmp_path / "css").glob("portal.*.css.gz"))
    assert (tmp_path / "staticfiles.json").exists()


def test_no_page_loads_anything_from_another_site():
    for template in (BASE_DIR / "templates").rglob("*.html"):
        if "emails" in template.parts:
            continue
        text = template.read_text(encoding="utf-8")
        assert "cdn." not in text and '<script src="http' not in text, template
        assert 'href="http' not in text.replace('href="http://127', ""), template


@pytest.mark.django_db
def test_demo_data_loads_and_can_be_loaded_again():
    from faq.models import FaqEntry

    out = StringIO()
    call_command("load_demo_data", stdout=out)
    call_command("load_demo_data", stdout=out)
    assert FaqEntry.objects.count() == 14
    assert "0 created" in out.getvalue()


@pytest.mark.django_db
def test_send_test_email_command_goes_through_the_outbox(
    mailoutbox, django_capture_on_commit_callbacks
):
    from mail.models import OutboxEmail

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_test_email", "ops@example.jp", "--language", "en", stdout=StringIO())
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT
    assert mailoutbox[0].subject == "Test email from the customer harassment portal"


def test_every_periodic_job_names_a_registered_task():
    from harassment_portal.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "harassment_portal.tasks.requeue_due_emails",
        "consultations.tasks.send_due_digest",
        "seminars.tasks.send_reminders",
        "seminars.tasks.queue_unsynced_zoom_registrants",
        "seminars.tasks.expire_seat_offers",
        "dispatch.tasks.send_deadline_alerts",
        "dispatch.tasks.send_visit_reminders",
        "harassment_portal.tasks.apply_retention",
        "harassment_portal.tasks.clear_expired_sessions",
    }
    assert scheduled <= set(app.tasks)


def test_staff_passwords_are_hashed_with_argon2():
    from harassment_portal.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import make_password

    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert make_password("correct horse battery staple").startswith("argon2$")


@pytest.mark.django_db
def test_the_hourly_job_deletes_expired_sessions_only():
    import datetime as dt

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from core.tasks import clear_expired_sessions

    expired, live = SessionStore(), SessionStore()
    for session in (expired, live):
        session["consultation_draft"] = "a draft"
        session.save()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1)
    )
    clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_no_translation_function_goes_by_a_name_makemessages_does_not_read():
    """xgettext finds a string only through the names makemessages gives it (``_``,
    ``gettext``, ``gettext_lazy``, ``pgettext`` …): under another alias (``_lazy``) a string
    is left out of the catalogue and shown in English (it happened to "Documents")."""
    alias = re.compile(r"from django\.utils\.translation import .*\b(\w*gettext\w*) as (\w+)")
    found = []
    for path in BASE_DIR.rglob("*.py"):
        if any(part in {".venv", "node_modules", "migrations"} for part in path.parts):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = alias.search(line)
            if match and match.group(2) != "_":
                found.append(f"{path.relative_to(BASE_DIR)}:{number}: {match.group(0)}")
    assert found == []
