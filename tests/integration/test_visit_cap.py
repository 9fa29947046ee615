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

    # Twelve business days of June 2026 at 14:00, planned in May: only the cap refuses.
    days = [d for d in (dt.date(2026, 6, n) for n in range(1, 31)) if d.weekday() < 5]

    def plan(index):
        try:
            barrier.wait()
            services.plan_visit(
                application,
                by=staff,
                starts_at=dt.datetime.combine(days[index], dt.time(14), tzinfo=TOKYO),
                now=dt.datetime(2026, 5, 20, 9, tzinfo=TOKYO),
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


def test_two_coordinators_never_book_one_expert_for_the_same_hour(postgres_url):
    """Two organisations, one expert, the same hour, planned at the same moment: the expert's
    row lock lets one through and the other is told the expert is busy."""
    staff = User.objects.create_user("coordinator", is_staff=True)
    first = approved_application(staff)
    expert = first.expert
    others = [
        approved_application(staff, expert=expert, organisation_name=f"東京協会{n}")
        for n in range(5)
    ]
    attempts = [first, *others]
    barrier = threading.Barrier(len(attempts))
    refused, errors = [], []

    def plan(application):
        try:
            barrier.wait()
            services.plan_visit(
                application,
                by=staff,
                starts_at=dt.datetime(2026, 6, 2, 14, tzinfo=TOKYO),
                now=dt.datetime(2026, 5, 20, 9, tzinfo=TOKYO),
            )
        except ValidationError as error:
            refused.extend(e.code for e in error.error_dict["starts_at"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=plan, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert DispatchVisit.objects.filter(expert=expert).count() == 1
    assert refused == ["expert_busy"] * (len(attempts) - 1)
