"""Every word the office's staff read in the admin is Japanese, whatever their role.

Each staff role (``backoffice.roles``) and a superuser walk the admin in Japanese over the demo
data: from the index, every page the admin links to (each list, add page, one change page per
model, history and deletion pages, the statistics) and every step page a change page offers.
The visible text (and the tooltips, labels and button captions a screen reader reads) may hold
Latin letters only where they are data (names, addresses, references, the demo's English
consultation), the staff member's username, or one of the few terms the office writes in
Latin letters anyway (``OFFICE_TERMS``). Anything else fails with the page and the words.
"""

from __future__ import annotations

import io
import json
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from backoffice.roles import ROLES

pytestmark = pytest.mark.django_db

# Terms a Tokyo office writes in Latin letters in Japanese text.
OFFICE_TERMS = {
    "CSV",  # the statistics' export
    "PDF",
    "URL",
    "ID",
    "QR",  # the authenticator app's QR code
    "FAQ",
    "Zoom",  # the seminars' platform and its product
    "Webinars",
    "Webinar",
    "SMTP",
    "HTML",  # an email's HTML part
    "IP",  # an IP address (the lock-out records)
    "FAX",
    "SNS",
    "LDAP",  # Django's note on passwords kept elsewhere
    "Control",  # the keys to hold for a multiple choice (Django's help text)
    "Command",
    "Mac",
}

# Tables whose text is not data shown as typed: codes and the admin's own log (shown translated).
NOT_DATA = {"admin.logentry", "auth.permission", "contenttypes.contenttype", "auth.group"}

VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder"}
# Code, the text being edited, and machine text shown as it is (a set-up address).
SKIPPED_ELEMENTS = {"script", "style", "template", "textarea", "code"}
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ .,:/&+-]+[A-Za-z][A-Za-z'’-]*)*")
WORD = re.compile(r"[A-Za-z]+")
MASKED = re.compile(r"\S*\*\*\*\S*")  # personal data shown masked: t***@example.jp

# Pages not worth walking: leaving the admin, files and JSON, and a second copy of a page.
SKIPPED_PATHS = re.compile(
    r"/logout/|/jsi18n/|/autocomplete/|/r/\d+/|\.csv$|/qrcode/$|/password_change/done/"
)
CHANGE_PAGES_PER_MODEL = 2
DELETE_SELECTED = 'value="delete_selected"'
SELECTED = re.compile(r'name="_selected_action" value="(\d+)"')


class VisibleText(HTMLParser):
    """The text a member of staff reads or hears, and the admin links on the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in VISIBLE_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])
        if tag in ("input", "button") and attributes.get("type") in ("submit", "button", "reset"):
            self.texts.append(attributes.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in SKIPPED_ELEMENTS:
            self._skipping -= 1

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data)


def english_on(html: str, allowed: set[str]) -> tuple[list[str], list[str]]:
    """The runs of Latin words on the page that are not allowed, and the page's links."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    found = []
    for text in parser.texts:
        for run in LATIN_RUN.findall(MASKED.sub(" ", text)):
            if any(word not in allowed for word in WORD.findall(run)):
                found.append(run)
    return found, parser.links


def data_words() -> set[str]:
    """Every word typed into a record (decrypted): the names, addresses and texts of the data,
    not its codes (fields with choices) nor Django's tables of codes."""
    words: set[str] = set()
    for model in apps.get_models():
        if model._meta.label_lower in NOT_DATA:
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(
                field, models.CharField | models.TextField | models.JSONField | models.UUIDField
            )
            and not field.choices
        ]
        for instance in model._default_manager.all():
            for name in fields:
                value = getattr(instance, name)
                if isinstance(value, dict | list):
                    value = json.dumps(value)  # (shown as JSON, escapes and all)
                words.update(WORD.findall(str(value or "")))
    return words


def with_data() -> None:
    """The demo data, and a record in each of the libraries' and the office's other tables."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from consultations.models import Consultation, ConsultationOpening, ReplyTemplate
    from core.models import OfficeClosure
    from mail import outbox

    call_command("load_demo_data", stdout=io.StringIO())
    owner = User.objects.create_user("kobayashi", password="pw-0123456789", is_staff=True)
    TOTPDevice.objects.create(user=owner, name="スマートフォン")
    now = timezone.now()
    request = {"username": "kobayashi", "ip_address": "192.0.2.10", "attempt_time": now}
    request |= {"user_agent": "Mozilla/5.0", "http_accept": "text/html", "path_info": "/admin/"}
    AccessAttempt.objects.create(**request, get_data="", post_data="", failures_since_start=3)
    AccessLog.objects.create(**request)
    AccessFailureLog.objects.create(**request, locked_out=True)
    OfficeClosure.objects.get_or_create(date=timezone.localdate(), defaults={"reason": "臨時休業"})
    outbox.queue_email(
        to="taro.yamada@example.jp", template="emails/test_message", context={}, language="ja"
    )
    consultation = Consultation.objects.order_by("pk").first()
    ConsultationOpening.objects.create(consultation=consultation, by=owner, at=now)
    if not ReplyTemplate.objects.exists():
        ReplyTemplate.objects.create(title="受付のお知らせ", language="ja", body="{name}様")


def staff_member(role: str | None) -> User:
    """A member of the role, who has already changed a record of each kind (the index lists
    their recent actions)."""
    if role is None:
        user = User.objects.create_superuser("superuser-ja", password="pw-0123456789")
    else:
        user = User.objects.create_user("staff-ja", password="pw-0123456789", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
    request = RequestFactory().get("/admin/")
    request.user = user
    with translation.override("ja"):
        for model, model_admin in registered():
            record = model._default_manager.order_by("pk").first()
            if record is not None:
                model_admin.log_change(request, record, "")
    return user


def registered():
    """Each model of the admin with its ModelAdmin (through the admin's public API)."""
    return [
        (model, admin.site.get_model_admin(model))
        for model in apps.get_models()
        if admin.site.is_registered(model)
    ]


def step_pages() -> list[str]:
    """A step page of each service action, on a record in a status that offers it."""
    urls = []
    for model, model_admin in registered():
        for name, action in getattr(model_admin, "service_actions", {}).items():
            record = model.objects.filter(status__in=action.statuses).order_by("pk").first()
            if record is not None:
                urls.append(
                    reverse(f"admin:{model_admin.action_url_name()}", args=[record.pk, name])
                )
    return urls


def page_kind(path: str) -> str:
    """Pages of the same kind (a change page of any consultation) show the same labels."""
    return re.sub(r"/\d+/", "/N/", path)


def walk(client: Client, starts: list[str], allowed: set[str]) -> tuple[dict, dict]:
    """Visit every admin page reachable from ``starts``; the English found on each."""
    queue, seen_kinds, visited, english = deque(starts), {}, {}, {}
    while queue:
        url = queue.popleft()
        kind = page_kind(urlsplit(url).path)
        limit = CHANGE_PAGES_PER_MODEL if kind.endswith("/N/change/") else 1
        if url in visited or (seen_kinds.get(kind, 0) >= limit and url not in starts):
            continue
        seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
        response = client.get(url, follow=True)
        visited[url] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        found, links = english_on(html, allowed)
        if found:
            english[url] = sorted(set(found))
        if DELETE_SELECTED in html and (selected := SELECTED.search(html)):
            # The confirmation page of "delete selected" (nothing is deleted without "post").
            data = {"action": "delete_selected", "_selected_action": [selected[1]]}
            found, _links = english_on(client.post(url, data).content.decode(), allowed)
            if found:
                english[f"{url} (delete selected)"] = sorted(set(found))
        for link in links:
            target = urlsplit(urljoin(url, link))
            if target.netloc or not target.path.startswith("/admin/"):
                continue
            if SKIPPED_PATHS.search(target.path):
                continue
            # The statistics' sections are pages of their own; elsewhere a query only filters.
            query = target.query if target.path.startswith("/admin/statistics/") else ""
            queue.append(target.path + (f"?{query}" if query else ""))
    return english, visited


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "superuser"])
def test_staff_read_the_admin_in_japanese(role):
    with_data()
    user = staff_member(role)
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(user)  # (which writes a login record)
    allowed = OFFICE_TERMS | data_words() | set(WORD.findall(user.username))

    english, visited = walk(client, [reverse("admin:index"), *step_pages()], allowed)

    for model, _model_admin in registered():  # the walk reached every list the role may read
        opts = model._meta
        if user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        ):
            assert visited.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    report = "\n".join(f"{url}: {' | '.join(words)}" for url, words in english.items())
    assert not english, f"English on {len(english)} admin pages as {role or 'superuser'}:\n{report}"
