"""What each patch of an upstream private name still buys: the patched code and upstream's,
timed back to back in one process on the bench database and Redis.

The throughput figures of ``pages`` move by about five points between identical runs, which
hides a patch worth a few per cent of a request; here each patch's own operation is timed
with the patch and with the upstream code it replaces, alternating in rounds, so that a host
slowing down moves both sides. A patch passes when its operation takes at most 90 % of
upstream's time: one that no longer does should be removed (README, "Patches of upstream
private names").
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from .loadgen import median
from .report import Row

ROUNDS = 7
LIMIT = 0.9  # the patched operation's time, as a fraction of upstream's, to keep the patch


def timed(operation: Callable[[], object], repeat: int) -> float:
    """Seconds per call of ``operation`` over ``repeat`` calls."""
    started = time.perf_counter()
    for _ in range(repeat):
        operation()
    return (time.perf_counter() - started) / repeat


def compare(ours: Callable[[], object], upstream: Callable[[], object], repeat: int):
    """Median per-call seconds of each, over ``ROUNDS`` alternating rounds (after a warm-up)."""
    timed(ours, max(repeat // 10, 1))
    timed(upstream, max(repeat // 10, 1))
    mine, theirs = [], []
    for _ in range(ROUNDS):
        mine.append(timed(ours, repeat))
        theirs.append(timed(upstream, repeat))
    return median(mine), median(theirs)


def row(label: str, mine: float, theirs: float, info: str) -> Row:
    ratio = mine / theirs
    return Row(
        f"patch: {label}",
        f"{mine * 1e6:.0f} us vs {theirs * 1e6:.0f} us",
        f"<= {LIMIT * 100:.0f} % of upstream",
        f"{ratio * 100:.0f} %",
        ratio <= LIMIT,
        f"saves {(theirs - mine) * 1e6:.0f} us per call; {info}",
    )


def sessions() -> Row:
    from django.contrib.sessions.backends import db

    from harassment_portal.backends.sessions import SessionStore

    draft = {"consultation": {"details": "あ" * 1500, "email": "person@example.jp", "n": 0}}
    seed = SessionStore()
    seed.update(draft)
    seed.create()
    key = seed.session_key

    def cycle(store_class):
        store = store_class(key)
        store["consultation"]["n"] = store["consultation"]["n"] + 1
        store.modified = True
        store.save()

    mine, theirs = compare(
        functools.partial(cycle, SessionStore), functools.partial(cycle, db.SessionStore), 300
    )
    return row(
        "sessions (read and update a form draft)",
        mine,
        theirs,
        "every form POST and submit does one (Django 5.2 db backend)",
    )


def cache_client() -> Row:
    from django.conf import settings
    from django.core.cache.backends.redis import RedisCache

    from harassment_portal.backends.cache import ResilientRedisCache

    params = dict(settings.CACHES["default"])
    location = params.pop("LOCATION")
    ours, upstream = ResilientRedisCache(location, params), RedisCache(location, params)
    ours.set("bench-patch-page", "x" * 20_000)
    mine, theirs = compare(
        lambda: ours.get("bench-patch-page"), lambda: upstream.get("bench-patch-page"), 2000
    )
    ours.delete("bench-patch-page")
    return row(
        "cache client (one GET of a cached page)",
        mine,
        theirs,
        "a cached public page is one or two of these (Django 5.2 RedisCache)",
    )


def broker_client() -> Row:
    from django.conf import settings
    from kombu import Connection

    from harassment_portal.backends.broker import Transport

    url = settings.CELERY_BROKER_URL
    queue = "bench-patches"

    def publisher(transport):
        connection = Connection(url, transport=transport)
        producer = connection.Producer(serializer="json")
        return connection, functools.partial(producer.publish, {"ids": [1]}, routing_key=queue)

    ours_connection, ours = publisher(Transport)
    upstream_connection, upstream = publisher("redis")
    try:
        mine, theirs = compare(ours, upstream, 500)
    finally:
        ours_connection.default_channel.client.delete(queue)
        ours_connection.release()
        upstream_connection.release()
    return row(
        "broker client (publish one task message)",
        mine,
        theirs,
        "every submission queues one (kombu 5.7 Redis transport)",
    )


def _template_tags(source: str, *, upstream_tags, reinstall) -> tuple[float, float]:
    """Render ``source`` compiled with the project's tags and with Django's (``upstream_tags``
    registers those; ``reinstall`` puts the project's back), alternating, in Japanese."""
    from django.template import Context, engines
    from django.utils import translation

    engine = engines["django"].engine
    ours = engine.from_string(source)
    upstream_tags()
    try:
        upstream = engine.from_string(source)
    finally:
        reinstall()
    context = Context({})
    with translation.override("ja"):
        return compare(
            functools.partial(ours.render, context),
            functools.partial(upstream.render, context),
            500,
        )


def constant_translate() -> Row:
    from django.templatetags import i18n

    from core import template_i18n

    texts = ["Consultation form", "Check your answers", "Email address", "Phone number", "Name"]
    texts += ["Organisation", "Send", "Change", "Back", "Continue"]
    source = "{% load i18n %}" + "".join(f'<p>{{% translate "{text}" %}}</p>' for text in texts * 4)
    mine, theirs = _template_tags(
        source,
        upstream_tags=lambda: i18n.register.tag("translate", i18n.do_translate),
        reinstall=template_i18n.install,
    )
    return row(
        "constant {% translate %} (a template of 40 tags)",
        mine,
        theirs,
        "a form page has 30-60 of them, an email 10-40 (Django 5.2 i18n tags)",
    )


def constant_urls() -> Row:
    from django.template import defaulttags
    from django.templatetags import static

    from core import template_urls

    names = ["home", "faq:list", "seminars:overview", "consultations:overview", "privacy"]
    files = ["css/portal.css", "js/portal.js"]
    source = "{% load static %}" + "".join(
        [f'<a href="{{% url "{name}" %}}">x</a>' for name in names * 2]
        + [f'<link href="{{% static "{path}" %}}">' for path in files * 2]
    )

    def upstream_tags():
        defaulttags.register.tag("url", defaulttags.url)
        static.register.tag("static", static.do_static)

    mine, theirs = _template_tags(
        source, upstream_tags=upstream_tags, reinstall=template_urls.install
    )
    return row(
        "constant {% url %} and {% static %} (10 URLs, 4 files)",
        mine,
        theirs,
        "a public page has about 12 and 4 of them (Django 5.2 url and static tags)",
    )


def _history_records(model):
    from django.db.models.signals import post_save

    from core.history import History

    receivers, _ = post_save._live_receivers(model)
    return next(r.__self__ for r in receivers if isinstance(getattr(r, "__self__", None), History))


def history_copy() -> Row:
    from django.db import transaction
    from simple_history.models import HistoricalRecords

    from consultations.models import Consultation
    from core.history import History

    record = Consultation.objects.order_by("pk").first()
    records = _history_records(Consultation)
    with transaction.atomic():
        mine, theirs = compare(
            lambda: History.create_historical_record(records, record, "~"),
            lambda: HistoricalRecords.create_historical_record(records, record, "~"),
            200,
        )
        transaction.set_rollback(True)
    return row(
        "history row copied by the database (a consultation)",
        mine,
        theirs,
        "each submit and each staff change writes one (simple-history 3.13)",
    )


def history_manager() -> Row:
    from simple_history.manager import HistoryDescriptor

    from consultations.models import Consultation

    descriptor = Consultation.__dict__["history"]
    mine, theirs = compare(
        lambda: Consultation.history,
        lambda: HistoryDescriptor.__get__(descriptor, None, Consultation),
        2000,
    )
    return row(
        "history manager built once (one Model.history access)",
        mine,
        theirs,
        "simple-history reads it for every row it writes (simple-history 3.13)",
    )


def mime() -> Row:
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives

    from mail import mime
    from mail.models import OutboxEmail

    email = OutboxEmail(
        to_email="person@example.jp",
        subject="【東京都カスタマーハラスメント相談窓口】ご相談を受け付けました",
        body_text="ご相談を受け付けました。\n" * 40,
        body_html="<p>ご相談を受け付けました。</p>" * 40,
        message_id="<bench.1@portal.example.jp>",
    )

    def upstream():
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to_email],
            headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(email.body_html, "text/html")
        return message.message().as_bytes()

    mine, theirs = compare(lambda: mime.build_message(email).message().as_bytes(), upstream, 500)
    return row(
        "MIME message of an outbox row",
        mine,
        theirs,
        "the send task builds one per email (CPython email, compat32)",
    )


def enqueue_on_commit() -> Row:
    from django.conf import settings
    from django.db import transaction
    from kombu import Connection

    from mail import outbox, tasks

    ids = range(10**9, 10**9 + 100)

    def ours():
        with transaction.atomic():
            for outbox_id in ids:
                outbox._enqueue_on_commit(outbox_id)

    def upstream():
        with transaction.atomic():
            for outbox_id in ids:
                transaction.on_commit(functools.partial(tasks.enqueue, outbox_id))

    try:
        mine, theirs = compare(ours, upstream, 5)
    finally:
        with Connection(settings.CELERY_BROKER_URL) as connection:
            connection.default_channel.queue_purge("celery")
    return row(
        "one on-commit callback per transaction (100 emails stored)",
        mine,
        theirs,
        "a batch of reminders or archive notices (Django 5.2 run_on_commit)",
    )


def measure() -> list[Row]:
    return [
        sessions(),
        cache_client(),
        broker_client(),
        constant_translate(),
        constant_urls(),
        history_copy(),
        history_manager(),
        mime(),
        enqueue_on_commit(),
    ]
