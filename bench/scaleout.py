"""Scale-out: two gunicorn servers on different ports, two Celery workers and one beat, on one
PostgreSQL and one Redis, as a deployment on two hosts would run.

wrk spreads the load round-robin over the two servers (its Lua script gives thread *i* the
server *i mod 2*), and the Python generator sends person *i* of the rush to server *i mod 2*.
What must hold: each rush still seats exactly 100, and every email the run stored reaches the
SMTP sink exactly once (the sink records each Message-ID), although two workers and the beat's
sweeper may pick up the same row.
"""

from __future__ import annotations

import time
from pathlib import Path

from . import rush, server, submit, web, wrk
from .pages import CONNECTIONS
from .report import Row, ms


def measure(profile, *, env: dict[str, str], logs: Path, workers: int) -> list[Row]:
    from mail.models import OutboxEmail

    from .__main__ import say

    first_outbox_id = OutboxEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    smtp_port = server.free_port()
    ids_file = logs / "scaleout-message-ids.txt"
    sink = server.Process(
        [server.PYTHON, "-m", "bench.smtp_sink", str(smtp_port), str(ids_file)],
        env=env,
        log=logs / "scaleout-smtp.log",
    )
    server.wait_for_port(smtp_port, sink)
    env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"}
    per_server = max(workers // 2, 1)
    servers, workers, beat = [], [], []
    try:
        ports = []
        for number in (1, 2):
            process, port = server.start_gunicorn(
                workers=per_server, env=env, log=logs / f"scaleout-gunicorn-{number}.log"
            )
            servers.append(process)
            ports.append(port)
        for number in (1, 2):
            workers.append(server.start_celery(env=env, log=logs / f"scaleout-worker-{number}.log"))
        beat.append(server.start_celery(env=env, log=logs / "scaleout-beat.log", beat=True))
        for worker in workers:
            server.wait_for_pool(worker, 2)
        say(f"Scale-out: gunicorn on ports {ports} ({per_server} workers each), 2 workers, beat")

        home = wrk.run(
            wrk.Request(path="/ja/"), ports=ports, connections=CONNECTIONS, duration=profile.seconds
        )
        tokens, sessions = web.run(
            web.prepare_drafts(ports[0], count=int(profile.seconds * 300), connections=CONNECTIONS)
        )
        submits = wrk.run(
            submit._submits(tokens, sessions),
            ports=ports,
            connections=CONNECTIONS,
            duration=profile.seconds,
            may_run_out=True,
        )
        rows = rush.measure(
            ports,
            people=profile.rush_people,
            runs=profile.scaleout_runs,
            label="scale-out rush",
            servers=[process.pid for process in servers],
            p99_is_target=False,
        )
        say("Scale-out: waiting for the workers to send every email")
        drained = _wait_sent(first_outbox_id, timeout=600)
    finally:
        for process in reversed([*servers, *workers, *beat]):
            process.stop()
        sink.stop()
    stored = list(
        OutboxEmail.objects.filter(pk__gt=first_outbox_id).values_list("message_id", "status")
    )
    received = ids_file.read_text().split() if ids_file.exists() else []
    ours = {message_id for message_id, _status in stored}
    counts: dict[str, int] = {}
    for message_id in received:
        counts[message_id] = counts.get(message_id, 0) + 1
    twice = sum(1 for n in counts.values() if n > 1)
    missing = sum(1 for message_id, _status in stored if message_id not in counts)
    unsent = sum(1 for _id, status in stored if status != OutboxEmail.Status.SENT)
    return [
        *rows,
        Row(
            "scale-out: every email sent exactly once",
            f"{len(stored)} stored, {sum(1 for i in received if i in ours)} received",
            "each once",
            "-",
            drained
            and twice == 0
            and missing == 0
            and unsent == 0
            and len(received) >= len(stored),
            f"{twice} received twice, {missing} never received, {unsent} not marked sent; "
            f"{len(received)} received in all (with rows stored before the run); two workers "
            "and the beat's sweeper on one outbox",
        ),
        Row(
            "scale-out: two servers behind wrk",
            f"home {home.rate:.0f} req/s, submit {submits.rate:.0f}/s",
            "0 errors",
            "-",
            home.server_errors + home.errors + submits.server_errors + submits.errors == 0,
            f"home p99 {ms(home.percentile(99))}, submit p99 {ms(submits.percentile(99))}; "
            "for information (the same two cores serve both)",
        ),
    ]


def _wait_sent(first_outbox_id: int, *, timeout: float) -> bool:
    from mail.models import OutboxEmail

    pending = OutboxEmail.objects.filter(pk__gt=first_outbox_id, status=OutboxEmail.Status.PENDING)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pending.exists():
            return True
        time.sleep(0.2)
    return False
