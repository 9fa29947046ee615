"""A web worker loads the holiday tables and the template engines when it starts."""

from django.template import engines

from harassment_portal import business_days
from harassment_portal.startup import warm_up


def test_warm_up_loads_the_holiday_tables_and_the_template_engines():
    business_days._national_holidays.cache_clear()
    engines._engines.clear()
    warm_up()
    assert business_days._national_holidays.cache_info().currsize == 2
    assert "django" in engines._engines


def test_the_wsgi_module_warms_up_on_import(monkeypatch):
    import importlib

    import harassment_portal.startup
    import harassment_portal.wsgi

    calls = []
    monkeypatch.setattr(harassment_portal.startup, "warm_up", lambda: calls.append(1))
    importlib.reload(harassment_portal.wsgi)
    assert calls == [1]
