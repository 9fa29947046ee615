"""Template tags of the admin's home page."""

from django import template
from django.utils import timezone

from backoffice.dashboard import build_dashboard

register = template.Library()


@register.inclusion_tag("admin/includes/dashboard.html", takes_context=True)
def admin_dashboard(context):
    """The figures that concern the logged-in staff member today (Tokyo date)."""
    user = context["request"].user
    return {"dashboard": build_dashboard(user, today=timezone.localdate())}
