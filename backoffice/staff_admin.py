"""Staff accounts and roles in the admin, in Japanese.

Django stores a permission's name in English ("Can add consultation") and shows it as stored;
the roles are groups named in ``backoffice.roles``. Here the user and group admins show both
translated: a permission as "app | model | action" from the translated names, a role by the
catalogue's name for it. Only the labels change; the stored names stay as Django and
``sync_roles`` keep them.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group, User
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .relabel import RelabelledAdmin, model_name
from .roles import ROLES

ACTIONS = {
    "add": _("Can add %s"),
    "change": _("Can change %s"),
    "delete": _("Can delete %s"),
    "view": _("Can view %s"),
}


def permission_label(permission) -> str:
    model = permission.content_type.model_class()
    if model is None:  # a model since removed
        return str(permission)
    action, _separator, codename_model = permission.codename.partition("_")
    name = model_name(model)
    if action in ACTIONS and codename_model == model._meta.model_name:
        what = ACTIONS[action] % name
    else:
        what = gettext(permission.name)  # the model's own permissions: translated msgids
    app = apps.get_app_config(model._meta.app_label).verbose_name
    return f"{app} | {name} | {what}"


def role_label(group) -> str:
    return gettext(group.name)


class RoleFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return [(group.pk, role_label(group)) for group in Group.objects.order_by("name")]


class TranslatedChoicesMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        elif field is not None and db_field.name == "groups":
            field.label_from_instance = role_label
        return field


class PasswordChangeForm(AdminPasswordChangeForm):
    # Django joins this warning to the help text in English, before any language is chosen.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


class UserAdmin(TranslatedChoicesMixin, auth_admin.UserAdmin):
    change_password_form = PasswordChangeForm
    list_filter = ["is_staff", "is_superuser", "is_active", ("groups", RoleFilter)]


class GroupAdmin(TranslatedChoicesMixin, RelabelledAdmin, auth_admin.GroupAdmin):
    list_display = ["role"]

    def label(self, group) -> str:
        return role_label(group)

    @admin.display(description=_("name"), ordering="name")
    def role(self, group):
        return role_label(group)

    def has_delete_permission(self, request, obj=None):
        # A role is defined in backoffice/roles.py and made again at the next migrate.
        if obj is not None and obj.name in ROLES:
            return False
        return super().has_delete_permission(request, obj)


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)
