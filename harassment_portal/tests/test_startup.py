"""A web worker loads, as it starts, what its first requests would otherwise pay for."""

import logging

from django.template import engines

from core import business_days
from harassment_portal import startup
from harassment_portal.startup import warm_up


def _compiled() -> set[str]:
    (loader,) = engines["django"].engine.template_loaders  # the cached loader
    return {key for key in loader.get_template_cache}


def test_warm_up_loads_the_holiday_tables_and_templates():
    business_days._national_holidays.cache_clear()
    engines._engines.clear()
    warm_up()
    assert business_days._national_holidays.cache_info().currsize == 2
    compiled = _compiled()
    assert {
        "base.html",
        "seminars/emails/confirmation.txt",
        "seminars/emails/confirmation.html",
        "bootstrap5/field.html",  # the form template pack
    } <= compiled
    assert "admin/change_list.html" not in compiled  # the libraries' own: on first use


def test_warm_up_finalises_a_celery_app_without_connecting(monkeypatch):
    """(The project's app is finalised by the first test that queues a task: a fresh one.)"""
    from celery import Celery

    import harassment_portal.celery

    fresh = Celery("warm-up", broker="redis://127.0.0.1:1/0")  # nothing listens there
    monkeypatch.setattr(harassment_portal.celery, "app", fresh)
    assert not fresh.finalized
    startup._load_celery()
    assert fresh.finalized


def test_warm_up_finds_the_app_templates_with_the_production_loaders(settings):
    loaders = [
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = [  # as harassment_portal/settings/production.py: APP_DIRS off
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [("django.template.loaders.cached.Loader", loaders)],
            },
        }
    ]
    engines._engines.clear()
    startup._compile_templates()
    compiled = _compiled()
    assert {"bootstrap5/field.html", "consultations/consultation_form.html"} <= compiled


def test_a_template_that_does_not_compile_is_logged_and_the_worker_starts(
    tmp_path, settings, caplog
):
    (tmp_path / "broken.html").write_text("{% if %}")
    (tmp_path / "unreadable.txt").write_bytes(b"\xff\xfe not UTF-8")
    (tmp_path / "fine.html").write_text("fine")
    settings.BASE_DIR = tmp_path
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    engines._engines.clear()
    with caplog.at_level(logging.ERROR, logger=startup.logger.name):
        startup._compile_templates()
    assert "broken.html" in caplog.text and "unreadable.txt" in caplog.text
    assert "fine.html" in _compiled()


def test_the_wsgi_module_warms_up_on_import(monkeypatch):
    import importlib

    import harassment_portal.startup
    import harassment_portal.wsgi

    calls = []
    monkeypatch.setattr(harassment_portal.startup, "warm_up", lambda: calls.append(1))
    importlib.reload(harassment_portal.wsgi)
    assert calls == [1]
