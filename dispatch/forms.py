"""The expert-dispatch application form, and the status page's answer and upload form."""

from __future__ import annotations

import re
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import postal
from core.corporate_number import normalise as normalise_corporate_number
from core.corporate_number import validate_corporate_number
from core.public.forms import BotTrapMixin, PortalForm, clean_phone_number, half_width
from core.public.layouts import CachedBlankLayout

from . import information
from .models import (
    CONTACT_FIELDS,
    NEEDS_FIELDS,
    ORGANISATION_FIELDS,
    SUBMITTED_FIELDS,
    DispatchApplication,
    DocumentKind,
    LegalForm,
    ManualState,
    Support,
)

# Tokyo's postal codes run from 100 to 208 (the 23 wards, Tama and the islands).
TOKYO_POSTAL_PREFIXES = range(100, 209)

# The 46 prefectures that are not Tokyo, as an address names them: in kanji with their suffix,
# or in English with "-ken", "-fu", "Prefecture" (a bare romanised name can be a Tokyo town:
# Saga in Koto City). Hokkaido has no suffix.
OTHER_PREFECTURES_KANJI = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県",
    "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
    "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県",
    "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県",
    "沖縄県",
)  # fmt: skip
OTHER_PREFECTURES_ENGLISH = re.compile(
    r"\bhokkaido\b|\b(aomori|iwate|miyagi|akita|yamagata|fukushima|ibaraki|tochigi|gunma"
    r"|saitama|chiba|kanagawa|niigata|toyama|ishikawa|fukui|yamanashi|nagano|gifu|shizuoka"
    r"|aichi|mie|shiga|kyoto|osaka|hyogo|nara|wakayama|tottori|shimane|okayama|hiroshima"
    r"|yamaguchi|tokushima|kagawa|ehime|kochi|fukuoka|saga|nagasaki|kumamoto|oita|miyazaki"
    r"|kagoshima|okinawa)[- ]?(ken|fu|prefecture)\b"
)


# What each declaration's error says (the summary must tell the seven apart).
DECLARATION_ERRORS = {
    "declare_grouped_by_industry": _(
        "Confirm that your main members are businesses grouped by industry, including SMEs."
    ),
    "declare_tokyo": _("Confirm that you operate in Tokyo."),
    "declare_no_tax_arrears": _("Confirm that you have no overdue national taxes."),
    "declare_no_metropolitan_tax": _("Confirm that you have no unpaid Tokyo metropolitan taxes."),
    "declare_no_violation": _(
        "Confirm that you have committed no serious legal violation in the past five years."
    ),
    "declare_no_adult_business": _("Confirm that you do not run an adult-entertainment business."),
    "declare_no_organised_crime": _(
        "Confirm that you have no connection with an organised crime group."
    ),
}

DECLARATIONS = {
    "declare_grouped_by_industry": _(
        "Our main members are businesses grouped by industry, and include SMEs."
    ),
    "declare_tokyo": _("We operate in Tokyo, with our address or main office in Tokyo."),
    "declare_no_tax_arrears": _(
        "We have no overdue corporate tax, consumption tax or other national taxes."
    ),
    "declare_no_metropolitan_tax": _("We have no unpaid Tokyo metropolitan taxes."),
    "declare_no_violation": _(
        "We have committed no serious legal violation in the past five years."
    ),
    "declare_no_adult_business": _("We do not run an adult-entertainment business."),
    "declare_no_organised_crime": _(
        "We are not, and none of our representatives, officers, employees or members is, "
        "connected with an organised crime group."
    ),
}


def in_tokyo(address: str) -> bool:
    """An address in Tokyo: written the Japanese way from 東京都, or in English with "Tokyo",
    and naming no other prefecture (an address is one place: "大阪府 … Tokyo" is not Tokyo)."""
    folded = half_width(address).lower()
    # (東京都府中市 holds the letters of 京都府: what follows 東京都 is read on its own)
    rest = folded.replace("東京都", " ")
    if any(name in rest for name in OTHER_PREFECTURES_KANJI):
        return False
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
    )
    if OTHER_PREFECTURES_ENGLISH.search(plain):  # (Ōsaka-fu read as osaka-fu)
        return False
    return folded.startswith("東京都") or re.search(r"\btokyo\b", folded) is not None


class ApplicationForm(CachedBlankLayout, BotTrapMixin, PortalForm, forms.ModelForm):
    # Required of every new application (the model allows it empty for older ones); typed with
    # hyphens, spaces or full-width digits as often as not.
    corporate_number = forms.CharField(
        label=_("Corporate number"),
        max_length=30,  # (as typed: "1-1803-0101-8771", full-width, spaced)
        help_text=_(
            "13 digits. You can find it on the National Tax Agency's corporate number "
            "publication site. For example: 7000012050002"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    support_wanted = forms.MultipleChoiceField(
        label=_("Support wanted"),
        choices=Support.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one kind of support.")},
    )
    visits_wanted = forms.TypedChoiceField(
        label=_("Number of visits wanted"),
        coerce=int,
        choices=[(n, n) for n in range(1, 6)],
        help_text=_("Up to five visits."),
        error_messages={"required": _("Select how many visits you would like.")},
    )
    consent_privacy = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that our details are passed to the "
            "assigned expert."
        ),
        error_messages={"required": _("Agree to the privacy notice to apply.")},
    )
    consent_expert_assignment = forms.BooleanField(
        label=_(
            "We understand that the office assigns the expert, in principle the same one "
            "for every visit, and that the expert may change."
        ),
        error_messages={"required": _("Confirm that the office assigns the expert.")},
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = DispatchApplication
        fields = [f for f in SUBMITTED_FIELDS if f not in ("support_wanted", "visits_wanted")]
        widgets = {
            "legal_form": forms.RadioSelect,
            "manual_state": forms.RadioSelect,
            "current_measures": forms.Textarea(attrs={"rows": 4}),
            "support_details": forms.Textarea(attrs={"rows": 4}),
            "preferred_periods": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "organisation_kana": _("In katakana, for example: トウキョウショウテンカイ"),
            "postal_code": _("For example: 163-8001"),
            "address": _("The main office must be in Tokyo. For example: 東京都新宿区西新宿2-8-1"),
            "sme_share": _("Roughly, from 0 to 100."),
            "contact_email": _("The acknowledgement and our contact go to this address."),
            "preferred_periods": _("For example: weekday afternoons in January and February."),
            "visit_place": _("Leave empty if the visits are at the main office."),
        }

    def prepare_fields(self) -> None:
        super().prepare_fields()
        for name, label in DECLARATIONS.items():
            self.fields[name] = forms.BooleanField(
                label=label, error_messages={"required": DECLARATION_ERRORS[name]}
            )
        self.fields["legal_form"].choices = LegalForm.choices
        self.fields["manual_state"].choices = ManualState.choices
        # (setting ``min_value`` on a built field adds no validator: the validator is the rule)
        self.fields["member_count"].validators.append(
            MinValueValidator(1, message=_("Enter the number of member companies: 1 or more."))
        )
        self.fields["member_count"].widget.attrs["min"] = 1
        self.fields["sme_share"].widget.attrs.update({"min": 0, "max": 100})
        autocomplete = {
            "postal_code": "postal-code",
            "address": "address-line1",  # ("street-address" is for a textarea)
            "contact_name": "name",
            "contact_phone": "tel",
            "contact_email": "email",
            "organisation_name": "organization",
        }
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.use_input_types()
        self._look_up_postal_codes()
        self.fields["consent_privacy"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("privacy"), _("Read the privacy notice")
        )
        self.order_fields(FIELD_ORDER)

    def _look_up_postal_codes(self) -> None:
        """What static/js/postal-code.js needs: where the areas are, which field to fill, what
        to say (in the page's language) in the live status under the field."""
        self.fields["postal_code"].widget.attrs.update(
            {
                "data-postal-areas": reverse("postal_area", args=["000"]).replace("000", "{}"),
                "data-postal-fills": "id_address",
                "data-postal-filled": _(
                    "We have filled in the address with %(place)s. Add the block and building "
                    "number after it."
                ),
                "data-postal-tokyo": _("This postal code is for %(place)s."),
                "data-postal-other": _(
                    "This postal code is in %(prefecture)s, outside Tokyo. Only organisations "
                    "with their main office in Tokyo can apply."
                ),
                "data-postal-unknown": _(
                    "We cannot find this postal code in Japan Post's list. Check the number."
                ),
            }
        )
        self.fields["postal_code"].help_text = format_html(
            '{}<span class="d-block" id="postal-code-status" role="status"></span>',
            self.fields["postal_code"].help_text,
        )

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            "submission_key",
            "form_started",
            Fieldset(_("Your organisation"), *ORGANISATION_FIELDS),
            Fieldset(_("Contact person"), *CONTACT_FIELDS),
            Fieldset(_("What you need"), *NEEDS_FIELDS),
            Fieldset(_("Declarations"), *DECLARATIONS),
            Fieldset(_("Before you apply"), "consent_expert_assignment", "consent_privacy"),
        )
        return helper

    def clean_postal_code(self) -> str:
        value = half_width(self.cleaned_data["postal_code"]).replace(" ", "")
        match = postal.CODE.match(value)
        if not match:
            raise forms.ValidationError(_("Enter a postal code like 163-8001."), code="invalid")
        if int(match.group(1)) not in TOKYO_POSTAL_PREFIXES:
            raise forms.ValidationError(
                _(
                    "This postal code is outside Tokyo. Only organisations with their main office "
                    "in Tokyo can apply."
                ),
                code="outside_tokyo",
            )
        return f"{match.group(1)}-{match.group(2)}"

    def clean_address(self) -> str:
        address = self.cleaned_data["address"]
        if not in_tokyo(address):
            raise forms.ValidationError(
                _(
                    "The main office must be in Tokyo: start the address with 東京都 (Tokyo). "
                    "Organisations outside Tokyo cannot apply."
                ),
                code="outside_tokyo",
            )
        return address

    def clean(self):
        """The address written in Japanese names the city of its postal code (Japan Post's
        data): a mistyped code or address is caught here, not by a returned letter."""
        cleaned = super().clean()
        code, address = cleaned.get("postal_code"), cleaned.get("address", "")
        place = postal.lookup(code) if code and address.startswith(postal.TOKYO) else None
        if place and not postal.matches_address(place, address):
            self.add_error(
                "address",
                forms.ValidationError(
                    _(
                        "The address does not match postal code %(code)s, which is for "
                        "%(place)s. Check the postal code and the address."
                    ),
                    code="postal_code_mismatch",
                    params={"code": code, "place": str(place)},
                ),
            )
        return cleaned

    def clean_corporate_number(self) -> str:
        value = self.cleaned_data["corporate_number"]
        validate_corporate_number(value)
        return normalise_corporate_number(value)

    def clean_contact_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["contact_phone"])

    def clean_sme_share(self) -> int:
        share = self.cleaned_data["sme_share"]
        if share is not None and share > 100:
            raise forms.ValidationError(_("Enter a share from 0 to 100."), code="invalid")
        return share


FIELD_ORDER = [*SUBMITTED_FIELDS, *DECLARATIONS, "consent_expert_assignment", "consent_privacy"]


# A hint to the browser's file picker only: the files are checked by their content.
ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several files in one field (Django's documented pattern). Each file's checks (its kind by
    content, its size) are made with all of them, in ``dispatch.information``."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(DocumentsField, self).clean(f, initial) for f in files]


class StatusUploadForm(PortalForm):
    """On the status page: documents at any time while the application is open, and, while the
    office has asked for more information, the applicant's answer with them."""

    answer = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        error_messages={"required": _("Write your answer to the office's question.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=DocumentKind.choices,
        initial=DocumentKind.OTHER,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    documents = DocumentsField(label=information.DOCUMENTS_LABEL)

    def __init__(self, *args, answering: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.answering = answering
        if not answering:
            del self.fields["answer"]
        documents = self.fields["documents"]
        documents.required = not answering
        documents.error_messages["required"] = information.required_message()
        documents.widget.attrs["accept"] = ACCEPT
        documents.help_text = _(
            "PDF, PNG or JPEG; up to %(count)s files at a time, each up to %(size)s."
        ) % {
            "count": settings.DISPATCH_DOCUMENTS_PER_UPLOAD,
            "size": filesizeformat(settings.DISPATCH_DOCUMENT_MAX_BYTES),
        }
        if answering:
            documents.label = _("%(label)s (optional)") % {"label": information.DOCUMENTS_LABEL}

    def clean_documents(self):
        files = self.cleaned_data["documents"]
        problems = information.upload_problems(files)
        if problems:
            raise forms.ValidationError(
                [forms.ValidationError(p, code="invalid_document") for p in problems]
            )
        return files
