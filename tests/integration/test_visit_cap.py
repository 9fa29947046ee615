"""On PostgreSQL, coordinators planning at the same moment never exceed five visits."""

import datetime as dt
import threading

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection

from dispatch import services
from dispatch.models import DispatchVisit
from dispatch.tests.factories import TOKYO, approved_application

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_concurrent_visit_planning_stops_at_five(postgres_url):
    staff = User.objects.create_user("coordinator", is_staff=True)
    application = approved_application(staff)
    attempts = 12
    barrier = threading.Barrier(attempts)
    refused, errors = [], []

    def plan(index):
        try:
            barrier.wait()
            services.plan_visit(
                application, by=staff, starts_at=dt.datetime(2026, 6, 1 + index, 14, tzinfo=TOKYO)
            )
        except ValidationError as error:
            refused.append(error.code)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=plan, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert DispatchVisit.objects.count() == 5
    assert refused == ["visit_limit"] * (attempts - 5)
