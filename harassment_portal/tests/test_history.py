"""The change history: every tracked model builds its history manager class once."""

import pytest
from django.apps import apps

from consultations.models import Consultation
from consultations.tests.factories import make_consultation
from harassment_portal.history import _HistoryDescriptor

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
