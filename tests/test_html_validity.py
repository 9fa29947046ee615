"""The Nu HTML checker (the npm package ``vnu-jar``, run with the machine's Java) on every
public page, in both languages, in their error states too: 0 errors (issue 15).

``npm ci`` installs the pinned checker into ``node_modules`` (``.ci/run`` does it)."""

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import require_service
from consultations.tests import test_views as consultation_views
from consultations.tests.factories import make_consultation
from dispatch.information import request_information
from dispatch.tests import test_views as dispatch_views
from dispatch.tests.factories import make_application
from seminars import links, services
from seminars.models import Registration
from seminars.tests.factories import FORM as SEMINAR_FORM
from seminars.tests.factories import make_seminar, register
from tests.public_pages import public_paths

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]

VNU = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)


def pages(client, language: str) -> dict[str, str]:
    """Each public page's HTML: as shown, and with the errors of an empty form."""
    paths = [*public_paths(), "no-such-page/"]
    seminar = make_seminar()
    found = {}
    for path in paths:
        response = client.get(f"/{language}/{path}")
        found[path or "home"] = response.content.decode()
    for path in ["consultation/form/", "dispatch/apply/", f"seminars/{seminar.pk}/"]:
        form = client.get(f"/{language}/{path}").context["form"]
        response = client.post(
            f"/{language}/{path}", {"form_started": form.initial["form_started"]}
        )
        found[f"{path} (errors)"] = response.content.decode()
    response = client.post(f"/{language}/seminars/my-registrations/", {"email": "not an address"})
    found["my-registrations (errors)"] = response.content.decode()
    case = f"/{language}/consultation/case/{make_consultation().token}/"
    found["case page (errors)"] = client.post(case, {"message": ""}).content.decode()
    found.update(dispatch_status_pages(client, language))
    found.update(journey_pages(client, language))
    return found


def dispatch_status_pages(client, language: str) -> dict[str, str]:
    """The dispatch status page asking for more information, and its errors (no answer; a
    text file named .pdf), and the upload's errors while no information is asked for."""
    asked = make_application(language=language, organisation_name="追加資料の組合")
    request_information(asked, by=None, what="Please send a copy of your articles.")
    status = f"/{language}/dispatch/status/{asked.token}/"
    impostor = SimpleUploadedFile("members.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post(status, {"answer": "", "kind": "other", "documents": [impostor]})
    found = {"dispatch status asked (errors)": response.content.decode()}
    plain = f"/{language}/dispatch/status/{make_application(language=language).token}/"
    response = client.post(plain, {"kind": "other"})
    found["dispatch status upload (errors)"] = response.content.decode()
    assert all('id="error-summary"' in html for html in found.values())
    return found


def journey_pages(client, language: str) -> dict[str, str]:
    """The pages after a form: check your answers, the thanks pages, the personal link."""
    found = {}
    for name, views in [("consultation", consultation_views), ("dispatch", dispatch_views)]:
        views.post_form(client, language)
        check = views.url("check", language=language)
        found[f"{name} check"] = client.get(check).content.decode()
        response = client.post(check, follow=True)
        assert response.status_code == 200 and response.redirect_chain, name
        found[f"{name} thanks"] = response.content.decode()
    seminar = make_seminar()
    form = client.get(f"/{language}/seminars/{seminar.pk}/").context["form"]
    response = client.post(
        f"/{language}/seminars/{seminar.pk}/",
        {**SEMINAR_FORM, "form_started": form.initial["form_started"]},
        follow=True,
    )
    assert response.redirect_chain, "the registration was not accepted"
    found["seminar thanks"] = response.content.decode()
    registration = register(seminar, 2, language=language)
    manage = links.manage_path(registration)
    found["registration manage"] = client.get(manage).content.decode()
    found["registration cancel?"] = client.get(f"{manage}?cancel=1").content.decode()
    response = client.post(manage, {"action": "resend"}, follow=True)
    found["registration resent"] = response.content.decode()
    response = client.post(
        f"/{language}/seminars/my-registrations/", {"email": registration.email}, follow=True
    )
    found["my-registrations (sent)"] = response.content.decode()
    found.update(offer_pages(client, language))
    return found


def offer_pages(client, language: str) -> dict[str, str]:
    """The registration page of a seat offered from the waiting list (issue 18): the offer,
    declining it, accepted, lapsed, and accepting too late."""
    offered, other, lapsed = offered_registration_links(language)
    found = {
        "registration offered": client.get(offered).content.decode(),
        "registration decline?": client.get(f"{other}?cancel=1").content.decode(),
        "registration offer lapsed": client.get(lapsed).content.decode(),
    }
    response = client.post(offered, {"action": "accept"}, follow=True)
    found["registration offer accepted"] = response.content.decode()
    response = client.post(lapsed, {"action": "accept"}, follow=True)
    found["registration offer refused"] = response.content.decode()
    return found


def offered_registration_links(language: str) -> list[str]:
    """Three people offered a seat in ``language``; the third's offer has passed its deadline."""
    seminar = make_seminar(capacity=3, offer_hours=48)
    seated = [register(seminar, i, language=language) for i in (11, 12, 13)]
    offered = [register(seminar, i, language=language, waiting=True) for i in (14, 15, 16)]
    for registration in seated:
        services.cancel_registration(registration)
    Registration.objects.filter(pk=offered[2].pk).update(
        offer_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    return [links.manage_path(registration) for registration in offered]


def test_every_public_page_passes_the_nu_html_checker(client, tmp_path):
    java = shutil.which("java")
    require_service("Java and vnu-jar", bool(java) and VNU.exists(), "install Java; run npm ci")
    files = {}
    for language in ("ja", "en"):
        for name, html in pages(client, language).items():
            path = tmp_path / f"{language}-{len(files)}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = f"/{language}/{name}"
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *[str(tmp_path / Path(uri).name) for uri in files],
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{files.get(Path(m.get('url', '')).name)}: {m.get('message')} ({m.get('extract')!r})"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors)
