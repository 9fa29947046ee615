"""Keeping cached reads in step with the changes that affect them."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction


def forget_now_and_on_commit(forget: Callable[[], None]) -> None:
    """Run ``forget`` (drop cached copies of what a change affects) now and again once the
    transaction commits: a request reading between the two would cache the old value again."""
    forget()
    transaction.on_commit(forget)
