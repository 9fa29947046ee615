"""Constant ``{% url %}`` and ``{% static %}`` tags give what Django gives, worked out once."""

import pytest
from django.template import Engine, RequestContext, engines
from django.template.defaulttags import URLNode
from django.templatetags.static import StaticNode
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, include, path, set_script_prefix
from django.utils import translation

from core.template_urls import ConstantStaticNode, ConstantURLNode


def compile_(source: str):
    return engines["django"].from_string(source)


def nodes(template):
    return template.template.nodelist.get_nodes_by_type(URLNode)


def test_a_constant_tag_follows_the_active_language_every_time():
    template = compile_("{% url 'consultations:form' %}")
    shown = []
    for language in ["ja", "en", "ja", "en"]:
        with translation.override(language):
            shown.append(template.render({}))
    assert shown == ["/ja/consultation/form/", "/en/consultation/form/"] * 2
    assert isinstance(nodes(template)[0], ConstantURLNode)


def test_the_script_prefix_is_followed():
    template = compile_("{% url 'privacy' %}")
    with translation.override("en"):
        try:
            set_script_prefix("/portal/")
            assert template.render({}) == "/portal/en/privacy/"
        finally:
            set_script_prefix("/")
        assert template.render({}) == "/en/privacy/"


def _page(request):
    raise AssertionError("never requested")


_demo = ([path("page/", _page, name="page")], "demo")
# This module's URL table: one app under two namespaces, and no "privacy".
urlpatterns = [
    path("one/", include(_demo, namespace="one")),
    path("two/", include(_demo, namespace="two")),
]
HERE = "core.tests.test_template_urls"


def test_another_url_table_is_followed():
    template = compile_("{% url 'privacy' %}")
    with translation.override("en"):
        assert template.render({}) == "/en/privacy/"
        with override_settings(ROOT_URLCONF=HERE), pytest.raises(NoReverseMatch):
            template.render({})
        assert template.render({}) == "/en/privacy/"


@override_settings(ROOT_URLCONF=HERE)
def test_the_current_namespace_and_escaping_give_what_django_gives():
    source = "{% url NAME %}|{% autoescape off %}{% url NAME %}{% endautoescape %}"
    engine = Engine()  # (no context processors: they reverse the portal's URLs)
    kept = engine.from_string(source.replace("NAME", "'demo:page'"))
    djangos = engine.from_string(source.replace("NAME", "name"))
    factory = RequestFactory()
    for namespace in ["two", "one", None, "two"]:
        request = factory.get("/")
        if namespace:
            request.current_app = namespace
        expected = djangos.render(RequestContext(request, {"name": "demo:page"}))
        assert kept.render(RequestContext(request)) == expected
        assert expected.startswith(f"/{namespace or 'two'}/page/|/")
    assert [len(node.rendered) for node in kept.nodelist.get_nodes_by_type(URLNode)] == [3, 3]


@pytest.mark.parametrize(
    "source",
    [
        "{% url name %}",  # a variable
        "{% url 'seminars:detail' 1 %}",  # arguments
        "{% url 'seminars:detail' pk=1 %}",
        "{% url 'privacy' as link %}{{ link }}",  # stored, not output
    ],
)
def test_other_tags_stay_djangos_own(source):
    template = compile_(source)
    assert not any(isinstance(node, ConstantURLNode) for node in nodes(template))
    with translation.override("en"):
        assert template.render({"name": "privacy"}).startswith(("/en/privacy/", "/en/seminars/1/"))


def test_a_name_that_does_not_reverse_still_fails():
    template = compile_("{% url 'no-such-page' %}")
    with pytest.raises(NoReverseMatch):
        template.render({})
    assert nodes(template)[0].rendered == {}


def test_a_constant_static_path_is_looked_up_once_per_setting():
    template = compile_(
        "{% load static %}{% static 'css/portal.css' %}|"
        "{% autoescape off %}{% static 'css/portal.css' %}{% endautoescape %}"
    )
    assert all(isinstance(node, ConstantStaticNode) for node in static_nodes(template))
    assert template.render({}) == "/static/css/portal.css|/static/css/portal.css"
    with override_settings(STATIC_URL="/assets/"):
        assert template.render({}) == "/assets/css/portal.css|/assets/css/portal.css"
    assert template.render({}) == "/static/css/portal.css|/static/css/portal.css"


@pytest.mark.parametrize(
    "source",
    [
        "{% static path %}",  # a variable
        "{% static 'css/portal.css' as link %}{{ link }}",  # stored, not output
    ],
)
def test_other_static_tags_stay_djangos_own(source):
    template = compile_("{% load static %}" + source)
    assert not any(isinstance(node, ConstantStaticNode) for node in static_nodes(template))
    assert template.render({"path": "css/portal.css"}) == "/static/css/portal.css"


def static_nodes(template):
    return template.template.nodelist.get_nodes_by_type(StaticNode)
