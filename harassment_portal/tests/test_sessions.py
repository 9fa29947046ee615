"""The session store: Django's database sessions, read and updated with one statement each."""

import datetime as dt

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harassment_portal import sessions
from harassment_portal.sessions import SessionStore

pytestmark = pytest.mark.django_db


def stored(**data) -> SessionStore:
    session = SessionStore()
    session.update(data)
    session.create()
    return session


def test_it_is_the_session_engine(settings):
    assert settings.SESSION_ENGINE == "harassment_portal.sessions"
    assert Session._meta.db_table == sessions._TABLE


def test_a_session_is_read_and_updated_with_one_statement_each():
    key = stored(draft="山田 花子").session_key
    session = SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        assert session["draft"] == "山田 花子"
        session["draft"] = "佐藤 太郎"
        session.save()
    assert len(queries) == 2
    assert SessionStore(key)["draft"] == "佐藤 太郎"
    assert Session.objects.get(session_key=key).expire_date > timezone.now()


def test_the_expiry_is_written_with_the_data():
    session = stored(step=1)
    session.set_expiry(120)
    session.save()
    expires = Session.objects.get(session_key=session.session_key).expire_date
    assert timezone.now() < expires <= timezone.now() + dt.timedelta(seconds=121)


def test_an_expired_or_unknown_session_reads_as_empty_and_gets_a_new_key():
    session = stored(draft="x")
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(session.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("unknown-session-key-0123456789").load() == {}


def test_updating_a_session_deleted_meanwhile_is_refused():
    session = stored(draft="x")
    SessionStore(session.session_key).delete()
    session["draft"] = "y"
    with pytest.raises(UpdateError):
        session.save()
    assert not Session.objects.exists()
