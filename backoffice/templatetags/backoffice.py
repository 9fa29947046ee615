"""Template tags of the admin's home page."""

from django import template
from django.utils import timezone

from backoffice.dashboard import build_dashboard
from backoffice.relabel import model_name

register = template.Library()


@register.inclusion_tag("admin/includes/dashboard.html", takes_context=True)
def admin_dashboard(context):
    """The figures that concern the logged-in staff member today (Tokyo date)."""
    user = context["request"].user
    return {"dashboard": build_dashboard(user, today=timezone.localdate())}


@register.filter
def admin_model_name(content_type) -> str:
    """A content type's model as the admin names it (a library's model, translated)."""
    model = content_type.model_class()
    return model_name(model) if model is not None else content_type.name
