"""What a web worker loads when it starts rather than in its first requests."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

from django.conf import settings
from django.core.validators import validate_email
from django.template import engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils import timezone, translation

from core import business_days

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Do once, as a worker starts, what its first requests paid for (``make bench``: about
    0.15 s of CPU for a worker's first submission, 0.16 s for its first registration): the
    holiday tables of this year and the next, the template engines and the project's own
    templates, the Celery app and its broker transport, the email validator's patterns."""
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        business_days.national_holiday_name(dt.date(year, 1, 1))
    validate_email("warm-up@example.jp")
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            get_resolver().reverse_dict  # noqa: B018  (builds the URL table of the language)
    _load_celery()
    _compile_templates()


def _load_celery() -> None:
    from .celery import app

    app.finalize(auto=True)
    with app.connection_for_write() as connection:
        connection.transport  # noqa: B018  (imports the transport; connects to nothing)


def _compile_templates() -> None:
    """Compile (into the cached loader) the project's templates and the form template pack's,
    not the other libraries' (the admin's are many, and used by a few people)."""
    base = Path(settings.BASE_DIR)
    libraries = {Path(sys.prefix), Path(sys.base_prefix)}
    pack = getattr(settings, "CRISPY_TEMPLATE_PACK", "")
    for engine in engines.all():
        if not hasattr(engine, "engine"):  # not Django's template language
            continue
        # The engine's DIRS and every app's templates: the production settings list their
        # loaders themselves (APP_DIRS off), so the engine's own list lacks the apps'.
        directories = [*map(Path, engine.engine.dirs), *get_app_template_dirs("templates")]
        for directory in directories:
            if directory.is_relative_to(base) and not any(
                directory.is_relative_to(prefix) for prefix in libraries
            ):
                top = directory
            elif pack and (directory / pack).is_dir():
                top = directory / pack
            else:
                continue
            for path in top.rglob("*"):
                if path.suffix not in (".html", ".txt") or not path.is_file():
                    continue
                name = path.relative_to(directory).as_posix()
                try:
                    engine.get_template(name)
                except Exception:  # the page fails on its own; the worker serves on
                    logger.exception("template %s does not compile", name)
