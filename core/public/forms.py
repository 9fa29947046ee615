"""What every public form shares: clean text, an error summary, optional labels, bot traps."""

from __future__ import annotations

import copy
import functools
import hashlib
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.core.signals import setting_changed
from django.core.validators import MaxLengthValidator
from django.dispatch import receiver
from django.urls import get_script_prefix
from django.utils.autoreload import file_changed
from django.utils.html import conditional_escape
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import ratelimit

# C0 and C1 control characters other than tab and newline, plus bidi overrides, which can
# disguise text (a "right-to-left override" makes "txt.exe" look like "exe.txt").
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Zero-width characters and the byte-order mark: invisible, so a name holding one looks like
# the same name and is not (a search, a duplicate check). Dropped from single-line fields only:
# in free text a zero-width joiner holds an emoji sequence together.
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
FORM_STARTED_SALT = "portal.form-started"
STAMP_MAX_AGE = 24 * 60 * 60  # seconds: a long consultation may take an evening to write


def clean_text(value: str, *, multiline: bool) -> str:
    """Drop control characters, normalise line ends, trim; single-line text loses newlines."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _UNSAFE_CHARACTERS.sub("", value)
    if not multiline:
        value = " ".join(_ZERO_WIDTH.sub("", value).split())
    return unicodedata.normalize("NFC", value).strip()


_DASHES = str.maketrans({"ー": "-", "−": "-", "‐": "-", "‑": "-", "–": "-", "—": "-", "―": "-"})


def half_width(value: str) -> str:
    """Full-width digits and letters as typed with a Japanese IME, folded to ASCII, and the
    many dashes people type in numbers (ー − ‐) to "-"."""
    return unicodedata.normalize("NFKC", value).translate(_DASHES).strip()


_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{8,18}[0-9]$", re.ASCII)


def clean_phone_number(value: str) -> str:
    """A Japanese or international phone number as typed (full-width digits welcome)."""
    phone = half_width(value)
    if phone and not (_PHONE.match(phone) and 10 <= sum(c.isdigit() for c in phone) <= 15):
        raise forms.ValidationError(
            _("Enter a phone number with 10 to 15 digits, like 03-1234-5678."),
            code="invalid_phone",
        )
    return phone


_CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.Select)


@functools.cache
def _class_defaults(field_class: type[forms.Field]) -> dict:
    """Django's own messages for a field class (what a form must not show as they are)."""
    merged = {}
    for cls in reversed(field_class.__mro__):
        merged.update(getattr(cls, "default_error_messages", {}))
    return merged


_NAMED_CODES = ("required", "invalid", "invalid_choice", "max_value", "min_value")


def name_the_field(field: forms.Field, label: str) -> None:
    """Replace each of Django's default messages on ``field`` by one that names the field and
    says how to fix it, in the active language ("Enter “Postal code”.", "「郵便番号」を入力して
    ください。"), GOV.UK's error-message pattern. A form's own messages stay."""
    defaults = _class_defaults(type(field))
    if field.widget.is_hidden:
        # A hidden value missing or changed (an old page, a tampered form): nothing the person
        # can fix in a field, so the form is simply sent again.
        for code in ("required", "invalid"):
            if field.error_messages.get(code) is defaults.get(code):
                field.error_messages[code] = _("Please check your answers and send the form again.")
        return
    messages = field.error_messages
    unnamed = [
        code for code in _NAMED_CODES if code in messages and messages[code] is defaults.get(code)
    ]
    too_long = [
        number
        for number, validator in enumerate(field.validators)
        if type(validator) is MaxLengthValidator and validator.message is MaxLengthValidator.message
    ]
    if not (unnamed or too_long):  # (named already: the prepared fields, see PortalForm)
        return
    named = {"label": label}
    choice = isinstance(field, forms.ChoiceField) or isinstance(field.widget, _CHOICE_WIDGETS)
    if isinstance(field, forms.BooleanField):
        required = _("Tick the box “%(label)s” to continue.")
    elif choice:
        required = _("Select an answer for “%(label)s”.")
    else:
        required = _("Enter “%(label)s”.")
    if isinstance(field, forms.EmailField):
        invalid = _("Enter “%(label)s” like name@example.jp.")
    elif isinstance(field, forms.IntegerField):
        invalid = _("Enter “%(label)s” as a number, like 25.")
    else:
        invalid = _("Check “%(label)s” and enter it again.")
    wanted = {
        "required": required,
        "invalid": invalid,
        "invalid_choice": _("Select one of the answers shown for “%(label)s”."),
        "max_value": _("“%(label)s” must be %(limit_value)s or less."),
        "min_value": _("“%(label)s” must be %(limit_value)s or more."),
    }
    # (Django fills in the limits later: they stay placeholders here)
    later = {"limit_value": "%(limit_value)s", "show_value": "%(show_value)s"}
    for code in unnamed:
        messages[code] = wanted[code] % {**named, **later}
    for number in too_long:
        field.validators[number] = MaxLengthValidator(
            field.validators[number].limit_value,
            message=_(
                "Shorten “%(label)s” to %(limit_value)s characters or fewer (it has "
                "%(show_value)s)."
            )
            % {**named, **later},
        )


class PortalBoundField(forms.BoundField):
    """A help text is text: escaped unless it was built as HTML (``format_html``). Django and
    crispy show help texts as they are, so "Q&A;" read as a character reference."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        if self.help_text:  # (a prepared field's is escaped already: PortalForm)
            self.help_text = conditional_escape(self.help_text)


@dataclass(frozen=True)
class _PreparedFields:
    fields: dict[str, forms.Field]
    plain_labels: dict[str, str]


MAX_PREPARED = 64  # forms x languages x variants; far more means a key that varies by mistake
_prepared: dict[tuple, _PreparedFields] = {}


class PortalForm(forms.Form):
    """Base for public forms: text clean-up, "(optional)" labels, messages that name their
    field, and a GOV.UK error summary.

    What a form changes in its fields for the language, never for the request (labels, help
    texts, choices, attributes, the messages that name their field: ``prepare_fields``) is done
    once per process, language and ``fields_variant()``: each later form copies the prepared
    fields, as Django copies a form class's ``base_fields`` for every form. Preparing them
    was a quarter of a form page's CPU."""

    unlabelled_fields: tuple[str, ...] = ("website",)
    bound_field_class = PortalBoundField

    def __init__(self, *args, **kwargs):
        key = (type(self), get_language(), get_script_prefix(), self.fields_variant())
        prepared = _prepared.get(key)
        if prepared is not None:
            # (an attribute of this form only: Django's constructor copies it into self.fields)
            self.base_fields = prepared.fields
        super().__init__(*args, **kwargs)
        if prepared is None:
            self.plain_labels = {}
            self.prepare_fields()
            for name, field in self.fields.items():
                name_the_field(field, self.plain_labels.get(name, field.label))
                if field.help_text:  # (once, not for each bound field: PortalBoundField)
                    field.help_text = conditional_escape(field.help_text)
            prepared = _PreparedFields(copy.deepcopy(self.fields), dict(self.plain_labels))
            if len(_prepared) >= MAX_PREPARED:
                _prepared.clear()
            _prepared[key] = prepared
        self.plain_labels = dict(prepared.plain_labels)
        if self.is_bound:
            self.data = self._cleaned_input(self.data)

    def fields_variant(self) -> str:
        """What ``prepare_fields`` depends on besides the class and the language (an argument
        of the constructor, set before calling this class's ``__init__``)."""
        return ""

    def prepare_fields(self) -> None:
        """Change ``self.fields`` for the language: depending on nothing else than the class,
        the language, the URLs and ``fields_variant()`` (never on the data, the initial values
        or the request). A subclass extends it, calling this first."""
        for name, field in self.fields.items():
            self.plain_labels[name] = field.label
            if field.required or field.widget.is_hidden or name in self.unlabelled_fields:
                continue
            field.label = _("%(label)s (optional)") % {"label": field.label}

    def use_input_types(self) -> None:
        """Phone fields as ``type="tel"`` (a phone keypad), email fields as ``type="email"``,
        postal codes with a numeric keypad: by the autocomplete token each field declares."""
        for field in self.fields.values():
            purpose = field.widget.attrs.get("autocomplete", "")
            if purpose == "tel":
                field.widget.input_type = "tel"
                field.widget.attrs["inputmode"] = "tel"
            elif purpose == "email" and isinstance(field.widget, forms.TextInput):
                field.widget.input_type = "email"
            elif purpose == "postal-code":
                field.widget.attrs["inputmode"] = "numeric"

    def full_clean(self):
        # The prepared fields are named already; these are the fields a subclass's __init__
        # added or changed since. (An unbound form is not validated: nothing to name.)
        if self.is_bound:
            for name, field in self.fields.items():
                name_the_field(field, self.plain_labels.get(name, field.label))
        super().full_clean()

    def _cleaned_input(self, data):
        """The submitted text with control characters removed, before any validation: a copy,
        the form's own (the request's data stays as it came)."""
        data = data.copy()
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if key not in data:
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            if hasattr(data, "setlist"):
                values = data.getlist(key)
                data.setlist(key, [clean_text(v, multiline=multiline) for v in values])
            elif isinstance(data[key], str):
                data[key] = clean_text(data[key], multiline=multiline)
        return data

    def error_summary(self) -> list[dict[str, str]]:
        """One line per error, each linking to its field (for the summary box at the top)."""
        items = []
        for name, errors in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                items += [{"anchor": "", "message": str(message)} for message in errors]
                continue
            bound = self[name]
            anchor = bound.id_for_label or bound.auto_id
            if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                anchor = f"{bound.auto_id}_0"
            items += [{"anchor": anchor, "message": str(message)} for message in errors]
        return items


def forget_prepared_fields() -> None:
    _prepared.clear()


@receiver(setting_changed)
def _setting_changed(**kwargs) -> None:
    forget_prepared_fields()


@receiver(file_changed, dispatch_uid="core.public.forms.file_changed")
def _file_changed(sender, file_path, **kwargs) -> None:
    # The development server reloads templates and translations without a restart.
    if file_path.suffix != ".py":
        forget_prepared_fields()


def _bound_to(visitor: str) -> str:
    return hashlib.sha256(visitor.encode()).hexdigest()[:16]  # never the secret itself


def stamp(started: float, visitor: str) -> str:
    """A signed stamp of a form shown at ``started`` to ``visitor`` (``ratelimit.visitor``)."""
    return signing.dumps(
        {"t": started, "n": secrets.token_urlsafe(12), "v": _bound_to(visitor)},  # n: single use
        salt=FORM_STARTED_SALT,
    )


class BotTrapMixin(PortalForm):
    """A honeypot field people never see, and a signed stamp of when the form was shown.

    The stamp is bound to the browser (``ratelimit.visitor``, passed as ``stamp_for``) and good
    for one send: a script replaying one form, or stamps gathered by another browser, is
    refused. A form shown again (errors, a refusal) carries a new stamp of the same time.
    """

    website = forms.CharField(required=False, label=_("Leave this field empty"))
    form_started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, stamp_for: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.stamp_for = stamp_for
        self.initial["form_started"] = stamp(time.time(), stamp_for)

    def prepare_fields(self) -> None:
        super().prepare_fields()
        self.fields["website"].widget.attrs.update(
            {"autocomplete": "off", "tabindex": "-1", "class": "form-control"}
        )

    def looks_like_a_bot(self) -> bool:
        """True when the honeypot is filled, or the stamp is forged, another visitor's, used
        before, or came back implausibly fast."""
        key = self.add_prefix("form_started")
        try:
            signed = signing.loads(
                self.data.get(key, ""), salt=FORM_STARTED_SALT, max_age=STAMP_MAX_AGE
            )
            started, nonce, bound_to = float(signed["t"]), str(signed["n"]), signed["v"]
        except (signing.BadSignature, TypeError, ValueError, KeyError):
            started = nonce = bound_to = None
        if self.is_bound:  # what the page shows again carries a stamp that can be sent
            # (into the form's own copy of the data: PortalForm._cleaned_input)
            self.data[key] = stamp(started or time.time(), self.stamp_for)
        if self.data.get(self.add_prefix("website")) or nonce is None:
            return True
        if bound_to != _bound_to(self.stamp_for):
            return True
        if time.time() - started < settings.FORM_MIN_FILL_SECONDS:
            return True
        return settings.FORM_STAMPS_SINGLE_USE and not ratelimit.use_once(
            "form-stamp", nonce, timeout=STAMP_MAX_AGE
        )


def character_count_attrs(limit: int) -> dict[str, str]:
    """Attributes for static/js/character-count.js (the live count beside a textarea)."""
    return {
        "data-max-chars": str(limit),
        "data-remaining": str(_("%(count)s characters remaining")),
        "data-over": str(_("%(count)s characters too many")),
    }
