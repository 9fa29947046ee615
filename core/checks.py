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


@register(Tags.security)
def check_documents_outside_the_web_root(app_configs, **kwargs):
    """Uploaded documents are served only through a view that checks the permission: their
    folder must not be one the web server or WhiteNoise serves."""
    from pathlib import Path

    documents = Path(getattr(settings, "DOCUMENTS_ROOT", "") or ".").resolve()
    served = [
        Path(root).resolve()
        for root in (getattr(settings, "STATIC_ROOT", None), getattr(settings, "MEDIA_ROOT", None))
        if root
    ]
    served += [Path(d).resolve() for d in getattr(settings, "STATICFILES_DIRS", ())]
    for root in served:
        if documents == root or root in documents.parents:
            return [
                Error(
                    "DOCUMENTS_ROOT is inside a folder that is served to the web.",
                    hint=f"Move DOCUMENTS_ROOT out of {root}.",
                    id="portal.E002",
                )
            ]
    return []
