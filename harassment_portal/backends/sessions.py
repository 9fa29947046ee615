"""Sessions in the database, with the read and the update that every form step runs kept lean.

Each step of the public forms reads and writes the session (the encrypted draft lives there).
Django's database backend reads it through the ORM and writes it back inside a transaction of
its own (BEGIN, UPDATE, COMMIT): together a fifth of a consultation submit's CPU (``make
bench``), and creating one (the first form POST of every visitor) asks whether a random key is
taken before inserting it in a transaction of its own. Here the read, the update and the
insert are one plain statement each, with Django's semantics (an expired session reads as
empty; updating a session deleted meanwhile raises ``UpdateError``; a key already taken draws
another). Deleting and clearing sessions are Django's own.

Django's async API (``aload``, ``acreate``, ``asave``) would go round these statements through
the ORM; here it runs the same code as the sync methods, in a thread (``sync_to_async``), so
both paths have one behaviour.

Checked against Django 5.2.19 (``django.contrib.sessions.backends.db`` and ``base``).
"""

from __future__ import annotations

from contextlib import nullcontext

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, UpdateError
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

# The table is the session model's constant, never input.
_TABLE = "django_session"
_LOAD = f'SELECT session_data FROM "{_TABLE}" WHERE session_key = %s AND expire_date > %s'  # noqa: S608
_UPDATE = f'UPDATE "{_TABLE}" SET session_data = %s, expire_date = %s WHERE session_key = %s'  # noqa: S608
_INSERT = f'INSERT INTO "{_TABLE}" (session_key, session_data, expire_date) VALUES (%s, %s, %s)'  # noqa: S608

# The upstream code this module relies on, as it was checked (tests/test_upstream_patches.py).
UPSTREAM_SOURCES = {
    "django.contrib.sessions.backends.db.SessionStore.load": "89d644d66ff7dc2d",
    "django.contrib.sessions.backends.db.SessionStore.create": "d4954771ee6bfb83",
    "django.contrib.sessions.backends.db.SessionStore.save": "b14d9cc990fae185",
    "django.contrib.sessions.backends.db.SessionStore.aload": "b514f95a29b50803",
    "django.contrib.sessions.backends.db.SessionStore.acreate": "61d915a282222bf3",
    "django.contrib.sessions.backends.db.SessionStore.asave": "98885d71889cf5d2",
    "django.contrib.sessions.backends.base.SessionBase._get_session": "35c0dd5f559a138a",
}


def _savepoint_if_in_transaction(connection):
    """Inside a caller's transaction, a refused statement must not break that transaction;
    outside one, a single statement needs no transaction of its own."""
    if connection.in_atomic_block:
        return transaction.atomic(using=connection.alias)
    return nullcontext()


class SessionStore(db.SessionStore):
    def load(self):
        if self.session_key is None:
            return {}
        connection = connections[router.db_for_read(self.model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_LOAD, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:  # unknown or expired: a new session will get a new key
            self._session_key = None
            return {}
        return self.decode(row[0])

    def create(self):
        connection = connections[router.db_for_write(self.model)]
        while True:
            self._session_key = get_random_string(32, VALID_KEY_CHARS)
            data = self.encode(self._get_session(no_load=True))
            expire_date = connection.ops.adapt_datetimefield_value(self.get_expiry_date())
            try:
                with _savepoint_if_in_transaction(connection), connection.cursor() as cursor:
                    cursor.execute(_INSERT, [self._session_key, data, expire_date])
            except IntegrityError:  # the key is taken (one chance in 36^32): draw another
                continue
            self.modified = True
            return

    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        data = self._get_session()
        connection = connections[router.db_for_write(self.model)]
        expire_date = connection.ops.adapt_datetimefield_value(self.get_expiry_date())
        with connection.cursor() as cursor:
            cursor.execute(_UPDATE, [self.encode(data), expire_date, self.session_key])
            if cursor.rowcount != 1:  # deleted meanwhile (logged out elsewhere, or expired)
                raise UpdateError

    async def aload(self):
        return await sync_to_async(self.load)()

    async def acreate(self):
        return await sync_to_async(self.create)()

    async def asave(self, must_create=False):
        return await sync_to_async(self.save)(must_create=must_create)
