"""System checks of the settings the portal's own code reads."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_trusted_proxy_count(app_configs, **kwargs):
    """Behind a proxy the client's address is in X-Forwarded-For; the rate limits and the staff
    lockout count per address, so the number of proxies must be said, never assumed."""
    if getattr(settings, "TRUSTED_PROXY_COUNT", None) is None:
        return [
            Error(
                "TRUSTED_PROXY_COUNT is not set.",
                hint=(
                    "Set it to the number of proxies in front of the portal that append to "
                    "X-Forwarded-For (0 if clients connect directly). Left out, every visitor "
                    "behind the proxy would share the proxy's address for the rate limits and "
                    "the staff lockout."
                ),
                id="portal.E001",
            )
        ]
    return []
