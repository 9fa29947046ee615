"""The pages part: every GET and every replayable POST through wrk, each a ratio against the
trivial view measured by wrk just before it; then the Python generator's own ceiling.

- public pages, as a first visit (no cookie) and as a returning visitor (the cookies of a person
  who has a form's draft: ``csrftoken`` and ``sessionid``);
- the form pages, and the consultation form's POST to "check your answers" (a new visitor's
  answers: each POST stores a new draft in a new session);
- the Python generator against wrk on the trivial view, which bounds the figures it drives
  (the preparation of drafts and the rush).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import loadgen, web, wrk
from .loadgen import median
from .report import Row, ms, pct

TRIVIAL = "/bench/trivial/"
PUBLIC_PAGES = {
    "home": "/ja/",
    "FAQ": "/ja/faq/",
    "seminar list": "/ja/seminars/",
    "consultation overview": "/ja/consultation/",
    "dispatch overview": "/ja/dispatch/",
    "privacy notice": "/ja/privacy/",
    "home (English)": "/en/",
}
FORM_PAGES = {
    "consultation form": "/ja/consultation/form/",
    "dispatch application form": "/ja/dispatch/apply/",
    "seminar session + registration form": "/ja/seminars/{seminar}/",
}
CONNECTIONS = 16
TARGET_PUBLIC = 0.60
TARGET_PUBLIC_RETURNING = 0.40
TARGET_FORM_GET = 0.25
TARGET_FORM_POST = 0.20


@dataclass
class Series:
    """One figure's runs and the trivial view measured just before each of them."""

    runs: list = field(default_factory=list)
    references: list = field(default_factory=list)

    def ratio(self) -> float:
        return median(
            [run.rate / ref.rate for run, ref in zip(self.runs, self.references, strict=True)]
        )

    def rate(self) -> float:
        return median([run.rate for run in self.runs])

    def p99(self) -> float:
        return median([run.percentile(99) for run in self.runs])

    def failures(self) -> int:
        return sum(run.server_errors + run.errors for run in self.runs)


class Measurer:
    def __init__(self, ports: list[int], seconds: float):
        self.ports = ports
        self.seconds = seconds
        self.trivial: list = []

    def reference(self):
        stats = self.get(TRIVIAL, seconds=max(self.seconds / 2, 1))
        self.trivial.append(stats)
        return stats

    def get(self, path: str, *, cookies: dict | None = None, seconds: float | None = None):
        return self.send(wrk.Request(path=path, cookies=cookies), seconds=seconds)

    def send(self, request, *, seconds: float | None = None, connections: int = CONNECTIONS):
        return wrk.run(
            request,
            ports=self.ports,
            connections=connections,
            duration=seconds or self.seconds,
        )

    def measure(self, series: Series, request) -> None:
        series.references.append(self.reference())
        series.runs.append(self.send(request))


def measure(port: int, profile, *, seminar) -> list[Row]:
    from .__main__ import say

    meter = Measurer([port], profile.seconds)
    form_pages = {k: v.format(seminar=seminar.pk) for k, v in FORM_PAGES.items()}
    tokens, sessions = web.run(web.prepare_drafts(port, count=1, connections=1))
    returning = {"csrftoken": tokens.csrf, "sessionid": sessions[0]}
    form_post = wrk.Request(
        "POST",
        "/ja/consultation/form/",
        cookies={"csrftoken": tokens.csrf},
        form=web.consultation_answers(0, tokens),
    )
    figures: dict[str, tuple[wrk.Request, float | None, str]] = {}
    for name, path in PUBLIC_PAGES.items():
        figures[f"public page: {name}"] = (wrk.Request(path=path), TARGET_PUBLIC, "")
        figures[f"public page, returning visitor: {name}"] = (
            wrk.Request(path=path, cookies=returning),
            TARGET_PUBLIC_RETURNING,
            "with the cookies of a person who has a draft (csrftoken, sessionid)",
        )
    for name, path in form_pages.items():
        figures[f"form page GET: {name}"] = (wrk.Request(path=path), TARGET_FORM_GET, "")
    figures["form page GET, returning visitor: consultation form with a draft"] = (
        wrk.Request(path=form_pages["consultation form"], cookies=returning),
        None,
        "for information: the person's answers filled in from the draft (rendered in full)",
    )
    figures["consultation form POST to check your answers"] = (
        form_post,
        TARGET_FORM_POST,
        "a new visitor's valid answers: validation, a new session with the draft, a redirect",
    )

    say("Pages: warming up")
    for request, _target, _note in figures.values():
        wrk.run(request, ports=[port], connections=4, duration=1)
    series = {name: Series() for name in figures}
    for number in range(1, profile.rounds + 1):
        say(f"Pages: round {number}/{profile.rounds}, {len(figures)} figures (wrk)")
        for name, (request, _target, _note) in figures.items():
            meter.measure(series[name], request)

    rows = [trivial_row(meter.trivial)]
    for name, (_request, target, note) in figures.items():
        rows.append(ratio_row(name, series[name], target, note))
    rows += generator_ceiling(meter, rounds=profile.rounds)
    return rows


def trivial_row(runs: list) -> Row:
    return Row(
        "trivial view (reference, wrk)",
        f"{median([s.rate for s in runs]):.0f} req/s",
        "-",
        "100 %",
        all(s.server_errors == 0 and s.errors == 0 for s in runs),
        f"p50 {ms(median([s.percentile(50) for s in runs]))}, "
        f"p99 {ms(median([s.percentile(99) for s in runs]))}, {len(runs)} runs",
    )


def ratio_row(label: str, series: Series, target: float | None, note: str = "") -> Row:
    ratio = series.ratio()
    failures = series.failures()
    info = f"p50 {ms(median([r.percentile(50) for r in series.runs]))}, p99 {ms(series.p99())}"
    if failures:
        info += f", {failures} errors or answers >= 400"
    if note:
        info += f"; {note}"
    return Row(
        label,
        f"{series.rate():.0f} req/s",
        f">= {pct(target)}" if target else "-",
        pct(ratio),
        (target is None or ratio >= target) and failures == 0,
        info,
    )


def generator_ceiling(meter: Measurer, *, rounds: int) -> list[Row]:
    """The trivial view through the Python generator against wrk, alternating."""
    port = meter.ports[0]
    python_rates, wrk_rates = [], []
    for _round in range(rounds):
        wrk_rates.append(meter.reference().rate)
        stats = web.run(
            loadgen.run(
                loadgen.get_page(port, TRIVIAL), connections=CONNECTIONS, duration=meter.seconds
            )
        )
        python_rates.append(stats.rate)
    ceiling = median(python_rates)
    share = ceiling / median(wrk_rates)
    return [
        Row(
            "Python generator's ceiling (trivial view)",
            f"{ceiling:.0f} req/s",
            "-",
            pct(share),
            True,
            f"wrk {median(wrk_rates):.0f} req/s on the same view in the same rounds. The Python "
            "generator drives only the flows wrk cannot replay: the preparation of drafts for "
            "the submit (not timed) and the registration rush. A figure it drives cannot exceed "
            f"{ceiling:.0f} req/s; the rush's rate is far below it.",
        )
    ]


def p99_row(label: str, p99: float, limit: float, connections: int, note: str = "") -> Row:
    return Row(
        f"{label}: p99 at {connections} connections",
        ms(p99),
        f"< {ms(limit)}",
        f"{p99 / limit:.2f} x limit",
        p99 < limit,
        note,
    )
