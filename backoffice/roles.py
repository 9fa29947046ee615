"""Staff roles: each a Django group with exactly the permissions it needs.

The table below is the single source of truth. ``sync_roles`` runs after every ``migrate``
(post_migrate), so a group gains the permissions of a new model as soon as it exists, and a
permission removed here is removed from the group.
"""

from __future__ import annotations

from fnmatch import fnmatch

from django.utils.translation import gettext_noop

CONSULTANT = [
    "view_consultation",
    "add_consultation",  # a consultation by phone, in person or by letter (the staff intake)
    "change_consultation",
    "view_consultationnote",
    "view_consultationreply",
    "view_consultationcall",
    "view_consultationevent",
    "view_consultationmessage",
    "view_replytemplate",
]

ROLES: dict[str, dict[str, list[str]]] = {
    # group name -> {app label: [permission codenames, or patterns such as "view_*"]}
    # (the admin shows a role's name translated: backoffice/staff_admin.py)
    # A consultant reads the unassigned consultations and their own (consultations/access.py).
    gettext_noop("Consultants"): {"consultations": CONSULTANT},
    # The desk lead reads and assigns every consultation, and sees who opened which.
    gettext_noop("Desk leads"): {
        "consultations": [
            *CONSULTANT,
            "see_all_consultations",
            "assign_any_consultation",
            "view_consultationopening",
            "approve_reply",
            "add_replytemplate",
            "change_replytemplate",
            "delete_replytemplate",
        ],
    },
    gettext_noop("Seminar staff"): {
        "seminars": [
            "view_seminar",
            "add_seminar",
            "change_seminar",
            "view_registration",
            "change_registration",
        ],
    },
    gettext_noop("Dispatch coordinators"): {
        "dispatch": [
            "view_dispatchapplication",
            "change_dispatchapplication",
            "view_expert",
            "add_expert",
            "change_expert",
            "view_dispatchvisit",
            "view_dispatchevent",
            "view_dispatchdocument",
            "download_dispatchdocument",
        ],
    },
    # Read-only everywhere, for oversight and the office's reports: every consultation, and
    # who opened it.
    gettext_noop("Supervisors"): {
        **{app: ["view_*"] for app in ("seminars", "dispatch", "faq", "harassment_portal", "mail")},
        "consultations": ["view_*", "see_all_consultations"],
    },
    # Everything in the portal, plus staff accounts, login lockouts and the staff's
    # authenticator devices (whose secrets nobody else may see).
    gettext_noop("Administrators"): {
        app: ["*"]
        for app in (
            "consultations",
            "seminars",
            "dispatch",
            "faq",
            "harassment_portal",
            "mail",
            "auth",
            "axes",
            "otp_totp",
        )
    },
}


def sync_roles(sender=None, **kwargs) -> None:
    from django.apps import apps as installed
    from django.contrib.auth.models import Group, Permission

    # post_migrate comes once per app; act once, after the last app's permissions exist.
    with_models = [config for config in installed.get_app_configs() if config.models_module]
    if sender is not None and sender is not with_models[-1]:
        return

    for name, apps in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = [
            permission
            for app_label, patterns in apps.items()
            for permission in Permission.objects.filter(content_type__app_label=app_label)
            if any(fnmatch(permission.codename, pattern) for pattern in patterns)
        ]
        group.permissions.set(wanted)
