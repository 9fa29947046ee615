"""Constant ``{% url "name" %}`` and ``{% static "path" %}`` tags worked out once, not per page.

A public page reverses a dozen constant URLs (the navigation, the footer, the form's action)
and looks up four static files, and Django walks its URL table or the static files' manifest
for each on every render: a fifth of rendering a page skeleton (``make bench``).

- A ``{% url %}`` whose view name is a literal and that takes no arguments gives a URL that
  depends only on the URL table (the resolver object, which Django builds anew when the URLconf
  changes), the script prefix, the active language (``i18n_patterns``), the current namespace
  and whether autoescaping is on: ``ConstantURLNode`` keeps what it rendered under those.
- A ``{% static %}`` of a literal path depends only on the settings (the storage, its
  manifest, ``STATIC_URL``, ``DEBUG``), the script prefix and autoescaping:
  ``ConstantStaticNode`` keeps what it rendered under those, and forgets it when a setting
  changes (tests; a deploy starts new processes).

Tags with arguments, a variable, a filter or ``as`` are Django's own, and a tag that fails
(``NoReverseMatch``, a file missing from the manifest) fails as before, every time. ``install``
(from the app's ``ready``) registers the tags in Django's libraries before any template is
compiled.

Checked against Django 5.2.19 (``django.template.defaulttags``, ``django.templatetags.static``,
``django.urls.base.reverse``).
"""

from __future__ import annotations

import itertools

from django.core.signals import setting_changed
from django.template import defaulttags
from django.templatetags import static
from django.urls import get_resolver, get_script_prefix, get_urlconf
from django.utils.translation import get_language

# The upstream code this module relies on, as it was checked (tests/test_upstream_patches.py).
UPSTREAM_SOURCES = {
    "django.template.defaulttags.URLNode": "6ecbe92634803a54",
    "django.template.defaulttags.url": "74b21bc3cdc8b2f0",
    "django.urls.base.reverse": "8b977c560cf5f7f8",
    "django.templatetags.static.StaticNode": "bcdaa8c1375403ae",
    "django.templatetags.static.do_static": "a321cb5241700c67",
}

MAX_KEPT = 16  # per tag: what its output depends on hardly varies in a process

_settings_generation = itertools.count()
_settings_version = next(_settings_generation)


def _settings_changed(**kwargs) -> None:
    global _settings_version
    _settings_version = next(_settings_generation)


setting_changed.connect(_settings_changed)


def _literal(expression) -> bool:
    """A quoted string without filters (a constant ``FilterExpression`` holds the string)."""
    return isinstance(expression.var, str) and not expression.filters


def _keep(rendered: dict, key: tuple, value: str) -> str:
    if len(rendered) >= MAX_KEPT:
        rendered.clear()
    rendered[key] = value
    return value


def _current_app(context) -> str | None:
    # As URLNode.render finds it.
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


class ConstantURLNode(defaulttags.URLNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (
            get_resolver(get_urlconf()),
            get_script_prefix(),
            get_language(),
            _current_app(context),
            context.autoescape,
        )
        try:
            return self.rendered[key]
        except KeyError:  # (NoReverseMatch propagates: nothing kept)
            return _keep(self.rendered, key, super().render(context))


class ConstantStaticNode(static.StaticNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (_settings_version, get_script_prefix(), context.autoescape)
        try:
            return self.rendered[key]
        except KeyError:  # (a file missing from the manifest raises: nothing kept)
            return _keep(self.rendered, key, super().render(context))


def do_url(parser, token):
    node = defaulttags.url(parser, token)
    if node.args or node.kwargs or node.asvar or not _literal(node.view_name):
        return node
    return ConstantURLNode(node.view_name, node.args, node.kwargs, node.asvar)


def do_static(parser, token):
    node = static.do_static(parser, token)
    if node.varname is not None or not _literal(node.path):
        return node
    return ConstantStaticNode(node.varname, node.path)


def install() -> None:
    defaulttags.register.tag("url", do_url)
    static.register.tag("static", do_static)
