"""``{% translate "constant text" %}`` rendered once per language and escaping, not per page.

A page or an email renders dozens of constant ``{% translate %}`` tags, and Django looks each
one up, escapes it and marks it safe again on every render: a third of rendering a confirmation
email and a sixth of a form page (``make bench``). The text of a tag whose message (and
context) is a literal depends only on the active translation catalog and on whether
autoescaping is on, so ``ConstantTranslateNode`` keeps what it rendered under those two.
Tags with a variable, a filter or ``as`` are Django's own. ``install`` (from the app's
``ready``) registers the tag in Django's ``i18n`` library before any template is compiled.

Checked against Django 5.2.19 (``django.templatetags.i18n``, ``trans_real.catalog``).
"""

from __future__ import annotations

from django.template.base import Variable
from django.templatetags import i18n
from django.utils.translation import trans_real

# The upstream code this module relies on, as it was checked (tests/test_upstream_patches.py).
UPSTREAM_SOURCES = {
    "django.templatetags.i18n.TranslateNode": "8edf1aff9a5ef7c7",
    "django.templatetags.i18n.do_translate": "d3acb12f5df69767",
    "django.utils.translation.trans_real.catalog": "69ad7ffc7564193e",
}


def _constant(expression) -> bool:
    """A literal without filters (a constant ``FilterExpression`` holds the string itself)."""
    var = expression.var
    if expression.filters:
        return False
    # (a ``_("...")`` constant is a lazy string: Django's own node handles it)
    return isinstance(var, str) or (isinstance(var, Variable) and var.literal is not None)


class ConstantTranslateNode(i18n.TranslateNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rendered: dict[tuple[object, bool], str] = {}

    def render(self, context):
        # The catalog object itself, not the language code: a reloaded catalog (runserver
        # after compilemessages) is another object, so nothing stale is shown. With
        # translation switched off (a new NullTranslations each time) nothing is kept.
        catalog = trans_real.catalog()
        if not isinstance(catalog, trans_real.DjangoTranslation):
            return super().render(context)
        key = (catalog, context.autoescape)
        try:
            return self.rendered[key]
        except KeyError:
            text = self.rendered[key] = super().render(context)
            return text


def do_translate(parser, token):
    node = i18n.do_translate(parser, token)
    if node.asvar or not _constant(node.filter_expression):
        return node
    if node.message_context is not None and not _constant(node.message_context):
        return node
    return ConstantTranslateNode(node.filter_expression, node.noop, None, node.message_context)


def install() -> None:
    i18n.register.tag("translate", do_translate)
    i18n.register.tag("trans", do_translate)
