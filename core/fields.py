"""Model fields whose values are encrypted in the database (see ``encryption``).

Python code, forms and the admin see plain strings; the column holds a Fernet token. The empty
string is stored as it is, so "not given" stays visible without a key. Such a column can be
neither filtered nor ordered by: search through a blind index instead.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldError
from django.db import migrations, models, transaction
from django.db.models.lookups import Exact

from . import encryption


class Encrypted(str):
    """A plain value whose encryption was done ahead (``encrypt_ahead``): saving it writes
    that token instead of encrypting again."""

    token: str

    def __new__(cls, plain: str, token: str):
        value = super().__new__(cls, plain)
        value.token = token
        return value


def encrypt_ahead(instance) -> None:
    """Encrypt ``instance``'s encrypted fields now, so that its save does no encryption: for
    a row inserted while a lock is held (a registration under its session's lock)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, EncryptedTextMixin):
            value = getattr(instance, field.attname)
            if value and not isinstance(value, Encrypted):
                setattr(instance, field.attname, Encrypted(value, encryption.encrypt(str(value))))


class EncryptedExact(Exact):
    """Only ``= ""`` can be compared: every encryption of one value differs."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: search through its blind index."
            )
        return super().get_prep_lookup()


class EncryptedTextMixin:
    def get_internal_type(self) -> str:
        return "TextField"

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(f"{self.name} is encrypted: it cannot be filtered with {lookup_name}.")

    def get_prep_value(self, value):
        if isinstance(value, Encrypted):
            return value.token
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encryption.encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        # A row written before its column was encrypted is read as it is, until the data
        # migration or ``rotate_encryption_keys`` encrypts it.
        return encryption.decrypt(value) if encryption.is_encrypted(value) else value


class EncryptedTextField(EncryptedTextMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedTextMixin, models.CharField):
    """A one-line value (a name, a phone number) stored as text: tokens outgrow ``max_length``.

    ``max_length`` still limits what is typed, through the model and form validation.
    """

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)


class EncryptedEmailField(EncryptedCharField):
    default_validators = models.EmailField.default_validators

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": forms.EmailField, "widget": forms.EmailInput, **kwargs}
        )


class BlindIndexed:
    """A model mixin: each ``<name>_index`` column holds the blind index of encrypted ``<name>``,
    and each ``<name>_hash`` the hash of the personal-link secret ``<name>`` (looked up by it).

    A subclass lists the names in ``blind_indexed`` and ``hashed_tokens``; ``reencrypt``
    follows the same convention.
    """

    blind_indexed: tuple[str, ...] = ()
    hashed_tokens: tuple[str, ...] = ()

    def fill_blind_indexes(self) -> None:
        for name in self.blind_indexed:
            setattr(self, f"{name}_index", encryption.blind_index(getattr(self, name)))
        for name in self.hashed_tokens:
            setattr(self, f"{name}_hash", encryption.token_hash(getattr(self, name)))

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        self.fill_blind_indexes()
        derived = [(name, f"{name}_index") for name in self.blind_indexed]
        derived += [(name, f"{name}_hash") for name in self.hashed_tokens]
        for name, column in derived:
            if update_fields is not None and name in update_fields:
                update_fields = {*update_fields, column}
        if update_fields is not None:
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)


class HashedTokenQuerySet(models.QuerySet):
    """For a model whose personal-link secret ``token`` is kept as ``token_hash``."""

    def with_token(self, token: str):
        if not token:  # (an anonymised record's hash is NULL: never matched)
            return self.none()
        return self.filter(token_hash=encryption.token_hash(token))


def encrypted_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextMixin)]


def reencrypt(model, *, batch_size: int = 500) -> int:
    """Write every row's encrypted values again with the newest key; return the row count.

    Rows written before a column was encrypted get encrypted; a blind index ``<field>_index``
    is recomputed with the newest search key, and a token's ``<field>_hash`` filled in. Each
    batch is read again under a row lock, so an edit (or the retention job) running meanwhile
    is never overwritten with older values.
    Used by the migrations that encrypt a column and by ``manage.py rotate_encryption_keys``.
    """
    names = encrypted_fields(model)
    if not names:
        return 0
    field_names = {f.name for f in model._meta.concrete_fields}
    indexes = {name: f"{name}_index" for name in names if f"{name}_index" in field_names}
    hashes = {name: f"{name}_hash" for name in names if f"{name}_hash" in field_names}
    manager = model._default_manager
    pks = list(manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch_size):
        with transaction.atomic():
            rows = list(manager.select_for_update().filter(pk__in=pks[start : start + batch_size]))
            for row in rows:
                for name, index in indexes.items():
                    setattr(row, index, encryption.blind_index(getattr(row, name)))
                for name, column in hashes.items():
                    setattr(row, column, encryption.token_hash(getattr(row, name)))
            manager.bulk_update(rows, [*names, *indexes.values(), *hashes.values()])
    return len(pks)


def reencrypt_step(app_label: str, *model_names: str):
    """A ``RunPython`` operation that encrypts the existing rows of the named models."""

    def run(apps, schema_editor):
        for name in model_names:
            reencrypt(apps.get_model(app_label, name))

    return migrations.RunPython(run, migrations.RunPython.noop)
