"""The session store: Django's database sessions, read and updated with one statement each."""

import datetime as dt

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harassment_portal.backends import sessions
from harassment_portal.backends.sessions import SessionStore

pytestmark = pytest.mark.django_db


def stored(**data) -> SessionStore:
    session = SessionStore()
    session.update(data)
    session.create()
    return session


def test_it_is_the_session_engine(settings):
    assert settings.SESSION_ENGINE == "harassment_portal.backends.sessions"
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


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request runs
def test_a_new_session_is_one_insert_with_its_data_and_expiry():
    session = SessionStore()
    session["draft"] = "山田 花子"
    session.set_expiry(120)
    with CaptureQueriesContext(connection) as queries:
        session.save()
    assert [q["sql"].split()[0] for q in queries] == ["INSERT"]
    row = Session.objects.get(session_key=session.session_key)
    assert SessionStore(session.session_key)["draft"] == "山田 花子"
    assert timezone.now() < row.expire_date <= timezone.now() + dt.timedelta(seconds=121)


def test_a_key_already_taken_draws_another(monkeypatch):
    taken = stored(draft="first").session_key
    keys = iter([taken, "k" * 32])
    monkeypatch.setattr(sessions, "get_random_string", lambda *args: next(keys))
    session = stored(draft="second")
    assert session.session_key == "k" * 32
    assert SessionStore(taken)["draft"] == "first"
    assert SessionStore("k" * 32)["draft"] == "second"


def test_a_key_taken_inside_a_transaction_leaves_that_transaction_usable(monkeypatch):
    from django.db import transaction

    taken = stored(draft="first").session_key
    keys = iter([taken, "t" * 32])
    monkeypatch.setattr(sessions, "get_random_string", lambda *args: next(keys))
    with transaction.atomic():
        session = stored(draft="second")
        assert Session.objects.count() == 2  # the transaction still answers
    assert session.session_key == "t" * 32


def test_cycling_the_key_at_login_keeps_the_data():
    session = stored(draft="x")
    old = session.session_key
    session.cycle_key()
    assert session.session_key != old
    assert SessionStore(session.session_key)["draft"] == "x"
    assert not Session.objects.filter(session_key=old).exists()


def test_the_async_api_runs_the_same_statements_as_the_sync_one():
    """Django's own ``aload``/``asave`` would go round the store's statements."""
    from asgiref.sync import async_to_sync

    key = stored(draft="山田 花子").session_key
    session = SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        assert async_to_sync(session.aget)("draft") == "山田 花子"  # (through aload)
        async_to_sync(session.aset)("draft", "佐藤 太郎")
        async_to_sync(session.asave)()
    assert [q["sql"].split()[0] for q in queries] == ["SELECT", "UPDATE"]
    assert queries[0]["sql"].startswith("SELECT session_data FROM")  # the store's own
    assert SessionStore(key)["draft"] == "佐藤 太郎"

    fresh = SessionStore()
    async_to_sync(fresh.aset)("draft", "新しい下書き")
    with CaptureQueriesContext(connection) as queries:
        async_to_sync(fresh.acreate)()
    # One INSERT (in a savepoint, as inside any caller's transaction): no look-up of the key.
    assert [q["sql"].split()[0] for q in queries] == ["SAVEPOINT", "INSERT", "RELEASE"]
    assert SessionStore(fresh.session_key)["draft"] == "新しい下書き"
