"""The Nu HTML checker (the npm package ``vnu-jar``, run with the machine's Java) on every
public page, in both languages, in their error states too: 0 errors (issue 15).

``npm ci`` installs the pinned checker into ``node_modules`` (``.ci/run`` does it)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import require_service
from consultations.tests import test_views as consultation_views
from consultations.tests.factories import make_consultation
from dispatch.tests import test_views as dispatch_views
from seminars import links
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
    found.update(journey_pages(client, language))
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
    return found


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
