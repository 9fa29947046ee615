"""Constant ``{% translate %}`` tags are rendered once per catalog and escaping."""

import pytest
from django.template import engines
from django.templatetags.i18n import TranslateNode
from django.utils import translation

from core.template_i18n import ConstantTranslateNode


def compile_(source: str):
    return engines["django"].from_string("{% load i18n %}" + source)


def nodes(template):
    return template.template.nodelist.get_nodes_by_type(TranslateNode)


def test_a_constant_tag_follows_the_active_language_every_time():
    template = compile_('{% translate "Reference" %}')
    shown = []
    for language in ["ja", "en", "ja", "en"]:
        with translation.override(language):
            shown.append(template.render({}))
    assert shown == ["受付番号", "Reference", "受付番号", "Reference"]
    assert isinstance(nodes(template)[0], ConstantTranslateNode)


def test_escaping_follows_the_context_and_percent_signs_are_restored():
    template = compile_(
        '{% translate "<b>5%</b>" %}|{% autoescape off %}{% translate "<b>5%</b>" %}'
        "{% endautoescape %}"
    )
    with translation.override("en"):
        assert template.render({}) == "<b>5%</b>|<b>5%</b>"  # a template literal is safe


@pytest.mark.parametrize(
    "source",
    [
        "{% translate message %}",  # a variable
        '{% translate "Reference" as label %}{{ label }}',  # stored, not output
        '{% translate "Reference"|upper %}',  # a filter
        '{% translate "Reference" context kind %}',  # a variable context
    ],
)
def test_other_tags_stay_djangos_own(source):
    template = compile_(source)
    assert not any(isinstance(node, ConstantTranslateNode) for node in nodes(template))
    with translation.override("ja"):
        assert template.render({"message": "Reference", "kind": ""}) in {"受付番号", "REFERENCE"}


def test_a_literal_context_is_constant_too():
    template = compile_('{% translate "May" context "month name" %}')
    assert isinstance(nodes(template)[0], ConstantTranslateNode)
    with translation.override("en"):
        assert template.render({}) == "May"


def test_a_lazy_constant_is_left_to_django():
    template = compile_('{% translate _("Reference") %}|{% translate "May" context _("x") %}')
    assert not any(isinstance(node, ConstantTranslateNode) for node in nodes(template))
    with translation.override("ja"):
        assert template.render({}).startswith("受付番号|")


def test_nothing_is_kept_while_translation_is_switched_off():
    template = compile_('{% translate "Reference" %}')
    node = nodes(template)[0]
    for _time in range(3):
        with translation.override(None):
            assert template.render({}) == "Reference"
    assert node.rendered == {}
    with translation.override("ja"):
        assert template.render({}) == "受付番号"
    assert len(node.rendered) == 1
