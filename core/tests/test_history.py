"""The change history: built once per model, indexed by record id, copied by the database."""

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from simple_history.models import HistoricalRecords

from consultations.models import Consultation
from consultations.tests.factories import make_consultation
from core.history import History, _HistoryDescriptor
from dispatch.tests.factories import make_application, make_expert
from seminars.tests.factories import make_seminar, register

TRACKED = [
    model
    for model in apps.get_models()
    if getattr(model._meta, "simple_history_manager_attribute", None)
]


def test_the_office_records_keep_a_history():
    names = {model._meta.label for model in TRACKED}
    assert {"consultations.Consultation", "seminars.Registration"} <= names


@pytest.mark.parametrize("model", TRACKED, ids=lambda model: model._meta.label)
def test_each_history_manager_class_is_built_once(model):
    name = model._meta.simple_history_manager_attribute
    assert isinstance(model.__dict__[name], _HistoryDescriptor)
    assert type(getattr(model, name)) is type(getattr(model, name))


@pytest.mark.django_db
def test_the_history_still_records_and_reads_per_instance():
    consultation = make_consultation()
    consultation.save()
    assert [row.history_type for row in consultation.history.order_by("history_id")] == ["+", "~"]
    assert Consultation.history.count() == 2
    assert consultation.history.first().instance.pk == consultation.pk


@pytest.mark.parametrize("model", TRACKED, ids=lambda model: model._meta.label)
def test_a_history_is_indexed_by_the_record_id_and_its_own_columns_only(model):
    historical = getattr(model, model._meta.simple_history_manager_attribute).model
    record_fields = {field.name for field in model._meta.fields}
    indexed = {
        field.name
        for field in historical._meta.fields
        if field.db_index and field.name in record_fields
    }
    assert indexed == {model._meta.pk.name}


def _as_stored(historical) -> dict:
    """A historical row's values, but for its own id and time."""
    return {
        field.attname: getattr(historical, field.attname)
        for field in historical._meta.concrete_fields
        if field.name not in ("history_id", "history_date")
    }


def _simple_history_would_write(record, history_type: str) -> dict:
    """The row simple-history itself builds from the instance (the way the copy replaced)."""
    manager = record._meta.simple_history_manager_attribute
    historical = getattr(type(record), manager).model
    history = History(excluded_fields=historical._history_excluded_fields)
    history.manager_name = manager
    HistoricalRecords.create_historical_record(history, record, history_type)
    return _as_stored(getattr(record, history.manager_name).order_by("history_id").last())


def _registration():
    return register(make_seminar())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make",
    [make_consultation, _registration, make_application, make_expert],
    ids=lambda f: f.__name__,
)
def test_the_database_copies_the_row_simple_history_would_write(make):
    record = make()
    history = getattr(record, record._meta.simple_history_manager_attribute)
    created = history.order_by("history_id").last()
    assert _as_stored(created) == _simple_history_would_write(record, "+")
    record.save()  # a change
    changed = history.order_by("history_id").last()
    assert (created.history_type, changed.history_type) == ("+", "~")
    assert _as_stored(changed) == _simple_history_would_write(record, "~")
    kept = {f.attname for f in changed._meta.concrete_fields}
    encrypted = [
        f.attname
        for f in record._meta.concrete_fields
        if "Encrypted" in type(f).__name__ and f.attname in kept
    ]
    assert all(getattr(changed, name) == getattr(record, name) for name in encrypted)


@pytest.mark.django_db
def test_the_copy_records_who_changed_what_and_why():
    consultation = make_consultation()
    staff = User.objects.create_user("consultant")
    consultation._history_user = staff
    consultation._change_reason = "triage"
    consultation.save()
    row = consultation.history.order_by("history_id").last()
    assert (row.history_user, row.history_change_reason) == (staff, "triage")
