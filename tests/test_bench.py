"""The benchmark's own arithmetic and verdict (the runs themselves need ``make bench``)."""

import re

import pytest

from bench import report
from bench.loadgen import Stats
from conftest import require_service


def test_a_rate_is_requests_over_the_time_measured():
    stats = Stats(elapsed=2.0)
    for status in (200, 200, 503, 302):
        stats.record(status, 0.01)
    assert stats.rate == 2.0 and stats.server_errors == 1
    assert Stats().rate == 0.0


def test_a_missed_target_is_marked_and_the_table_stays_a_table():
    rows = [
        report.Row("trivial view", "900 req/s", "-", "100 %", True),
        report.Row("submit p99", "195 ms", "< 150 ms", "1.30 x limit", False, "a | b"),
    ]
    text = report.text_table(rows)
    assert "PASS" in text.splitlines()[2] and "MISS" in text.splitlines()[3]
    markdown = report.markdown(rows, notes=["Full run"])
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    # six cells on every line: the "|" inside a cell is escaped
    assert [len(re.split(r"(?<!\\)\|", line)) - 2 for line in table] == [6, 6, 6, 6]
    assert "a \\| b" in table[-1] and "| MISS |" in table[-1]
    assert report.pct(0.114) == "11 %" and report.ms(0.195) == "195 ms"


def test_the_admin_pages_the_bench_times_are_the_admin_s_own():
    """A moved model moves its admin URL: the bench must time the page, not a 404."""
    from django.urls import resolve

    from bench.scale import ADMIN_PAGES, CHANGELISTS

    for path in CHANGELISTS.values():
        assert (resolve(path).url_name or "").endswith("_changelist"), path
    for path in ADMIN_PAGES.values():
        assert resolve(path).url_name == "index", path


@pytest.mark.django_db(transaction=True)
def test_each_patch_is_timed_against_the_upstream_code_it_replaces(monkeypatch, settings):
    """The "patches" part runs every comparison (whatever the timings, which only the bench
    judges): each patched operation and upstream's run and give a figure."""
    require_service("Redis", bool(settings.REDIS_URL), "set REDIS_URL")
    from bench import patches
    from consultations.tests.factories import make_consultation

    make_consultation()
    monkeypatch.setattr(patches, "ROUNDS", 1)
    rows = patches.measure()
    assert [row.figure.split(" (")[0] for row in rows] == [
        "patch: sessions",
        "patch: cache client",
        "patch: broker client",
        "patch: constant {% translate %}",
        "patch: constant {% url %} and {% static %}",
        "patch: history row copied by the database",
        "patch: history manager built once",
        "patch: MIME message of an outbox row",
        "patch: one on-commit callback per transaction",
    ]
    for row in rows:
        assert re.fullmatch(r"\d+ us vs \d+ us", row.measured), row
        assert row.info.startswith("saves ")
