"""What the Python generator drives: the drafts the submit's wrk run sends, the rush, and the
requests of the memory run."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from . import loadgen
from .loadgen import Stats, hidden_inputs, request, timed

DETAILS = (
    "来店したお客様から、商品の交換を断ったところ大声で怒鳴られ、土下座での謝罪を求められました。"
    "その後も毎日のように電話があり、担当者の自宅を調べると言われています。"
    "従業員が怖がって出勤できなくなっており、会社としてどのように対応すべきか相談したいです。"
) * 3


@dataclass
class FormTokens:
    csrf: str  # the csrftoken cookie (also accepted as the form's token)
    started: str  # the signed "form shown at" stamp


async def form_tokens(port: int, path: str) -> FormTokens:
    response = await request(port, "GET", path)
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}")
    csrf = response.cookies().get("csrftoken", "")
    started = hidden_inputs(response.body).get("form_started", "")
    if not (csrf and started):
        raise SystemExit(f"GET {path}: no CSRF cookie or form_started field")
    return FormTokens(csrf, started)


def consultation_answers(index: int, tokens: FormTokens) -> dict:
    return {
        "csrfmiddlewaretoken": tokens.csrf,
        "form_started": tokens.started,
        "submission_key": str(uuid.uuid4()),
        "website": "",
        "requester_type": "business",
        "eligibility_confirmed": "on",
        "name": f"山田 花子 {index}",
        "organisation": "株式会社ベンチ商店",
        "industry": "retail",
        "job_role": "店長",
        "email": f"person{index}@example.jp",
        "phone": "03-1234-5678",
        "preferred_contact": "email",
        "topic": "incident_response",
        "conduct_types": ["verbal_abuse", "kneeling_apology", "persistent"],
        "channel": "in_person",
        "details": DETAILS,
        "tried_so_far": "店長が対応し、警察にも相談しました。",
        "acknowledge_disclaimers": "on",
        "consent_privacy": "on",
    }


def registration_answers(index: int, tokens: FormTokens) -> dict:
    email = f"rush{index}@example.jp"
    return {
        "csrfmiddlewaretoken": tokens.csrf,
        "form_started": tokens.started,
        "website": "",
        "name": f"佐藤 太郎 {index}",
        "name_kana": "サトウ タロウ",
        "email": email,
        "email_again": email,
        "phone": "03-1234-5678",
        "organisation": "東京ベンチ協会",
        "department": "総務部",
        "attendee_type": "hr_staff",
        "industry": "retail",
        "location": "tokyo",
        "company_size": "10-49",
        "question": "",
        "consent_no_recording": "on",
        "consent_privacy": "on",
        # Only on the form once the session is full; ignored (not a field) before that.
        "join_waiting_list": "on",
    }


@dataclass
class RushResult:
    stats: Stats
    first_try: dict[int, int]
    resubmitted: int
    unexpected: int


async def registration_rush(ports: list[int], seminar_pk: int, *, people: int, connections: int):
    """``people`` distinct new visitors POST the registration form of one session at once,
    person *i* through the server on ``ports[i % n]``.

    Whoever is told the session filled up while they typed (409, or the form shown again with
    the waiting-list box) sends it again with the box ticked, as a person would."""
    path = f"/ja/seminars/{seminar_pk}/"
    tokens = await form_tokens(ports[0], path)
    cookies = {"csrftoken": tokens.csrf}
    first_try: dict[int, int] = {}
    resubmitted = unexpected = 0

    async def register(index: int, stats: Stats) -> None:
        nonlocal resubmitted, unexpected
        port = ports[index % len(ports)]
        answers = registration_answers(index, tokens)
        response = await timed(port, stats, "POST", path, cookies=cookies, form=answers)
        first_try[response.status] = first_try.get(response.status, 0) + 1
        if response.status in (200, 409):
            resubmitted += 1
            again = hidden_inputs(response.body)
            answers["csrfmiddlewaretoken"] = again.get("csrfmiddlewaretoken", tokens.csrf)
            response = await timed(port, stats, "POST", path, cookies=cookies, form=answers)
        if response.status != 302:
            unexpected += 1

    stats = await loadgen.run(register, connections=connections, total=people)
    return RushResult(stats, first_try, resubmitted, unexpected)


async def mixed_gets(port: int, paths: list[str], *, total: int, connections: int) -> Stats:
    async def job(index: int, stats: Stats) -> None:
        await timed(port, stats, "GET", paths[index % len(paths)])

    return await loadgen.run(job, connections=connections, total=total)


def run(coroutine):
    return asyncio.run(coroutine)


async def prepare_drafts(port: int, *, count: int, connections: int) -> tuple[FormTokens, list]:
    """``count`` new visitors' form POSTs (each draft in a session of its own), for wrk to
    submit afterwards: the session cookies, in order."""
    tokens = await form_tokens(port, "/ja/consultation/form/")
    cookies = {"csrftoken": tokens.csrf}
    sessions: list[str] = []

    async def validate(index: int, stats: Stats) -> None:
        response = await timed(
            port,
            stats,
            "POST",
            "/ja/consultation/form/",
            cookies=cookies,
            form=consultation_answers(index, tokens),
        )
        session = response.cookies().get("sessionid")
        if response.status != 302 or not session:
            raise SystemExit(f"a form POST answered {response.status} without a draft")
        sessions.append(session)

    await loadgen.run(validate, connections=connections, total=count)
    return tokens, sessions
