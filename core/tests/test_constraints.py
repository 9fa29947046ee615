"""Choice constraints: checked once in Python (the field's choices), and by the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from consultations.forms import ConsultationForm
from consultations.models import Consultation
from consultations.tests.factories import VALID_FORM, make_consultation
from core.constraints import ChoicesConstraint

pytestmark = pytest.mark.django_db


def test_a_valid_form_asks_the_database_nothing():
    form = ConsultationForm(
        {**VALID_FORM, "submission_key": "6f1e3c56-8a3b-4f6e-9a53-111111111111"}
    )
    with CaptureQueriesContext(connection) as queries:
        assert form.is_valid(), form.errors
    assert len(queries) == 0


def test_a_value_outside_the_choices_is_refused_in_python_and_by_the_database():
    consultation = make_consultation()
    consultation.topic = "not-a-topic"
    with pytest.raises(ValidationError) as refused:
        consultation.full_clean()
    assert "topic" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(status="not-a-status")


def test_migrations_see_a_plain_check_constraint():
    constraint = ChoicesConstraint(field="status", values=["a", "b"], name="status_valid")
    path, _args, kwargs = constraint.deconstruct()
    assert path == "django.db.models.CheckConstraint"
    assert kwargs == {"condition": Q(status__in=["a", "b"]), "name": "status_valid"}
    assert constraint.clone() == constraint
