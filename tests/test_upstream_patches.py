"""The patches that reach into a private name upstream still fit the code they patch.

Each patch module lists, in ``UPSTREAM_SOURCES``, the upstream functions and classes it relies
on, with a hash of their source as it was when the patch was checked (the version is in the
module's docstring). An upgrade that changes any of them fails here: read the new upstream
code, check the patch (or drop it), then record the new hash.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect

import pytest
from django.utils.functional import cached_property

PATCH_MODULES = [
    "harassment_portal.backends.sessions",
    "harassment_portal.backends.cache",
    "harassment_portal.backends.broker",
    "core.template_i18n",
    "core.template_urls",
    "core.history",
    "core.admin",
    "mail.outbox",
    "mail.mime",
]


def resolve(dotted: str):
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            obj = inspect.getattr_static(obj, name)
        return obj
    raise ImportError(dotted)


def source_hash(dotted: str) -> str:
    obj = resolve(dotted)
    if isinstance(obj, cached_property):
        obj = obj.real_func
    elif isinstance(obj, functools.cached_property):
        obj = obj.func
    elif isinstance(obj, property):
        obj = obj.fget
    elif isinstance(obj, staticmethod | classmethod):
        obj = obj.__func__
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]


CHECKED = [
    (module, dotted, recorded)
    for module in PATCH_MODULES
    for dotted, recorded in importlib.import_module(module).UPSTREAM_SOURCES.items()
]


@pytest.mark.parametrize(("module", "dotted", "recorded"), CHECKED)
def test_the_upstream_code_a_patch_relies_on_is_unchanged(module, dotted, recorded):
    assert source_hash(dotted) == recorded, (
        f"{dotted} changed upstream: check {module} against it, then record the new hash"
    )


def test_every_patch_names_the_upstream_version_it_was_checked_against():
    for module in PATCH_MODULES:
        doc = importlib.import_module(module).__doc__ or ""
        assert "Checked against" in doc, module


def test_a_changed_upstream_function_is_noticed(monkeypatch):
    """The check itself can fail: a hash of other source differs."""
    dotted = "django.contrib.sessions.backends.db.SessionStore.load"
    before = source_hash(dotted)
    monkeypatch.setattr(inspect, "getsource", lambda obj: "def load(self): return {}\n")
    assert source_hash(dotted) != before
