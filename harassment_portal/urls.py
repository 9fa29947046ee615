from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from core.public.flow import keep_answers
from core.public.page_cache import cached_page

from . import views

# admin.site is the portal's own site (backoffice/admin_site.py): its titles and the two-factor
# login.

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("answers/keep", keep_answers, name="keep_answers"),  # (the draft warning's button)
    re_path(r"^postal-codes/(?P<prefix>[0-9]{3})\.json$", views.postal_area, name="postal_area"),
    path("admin/", include("backoffice.urls")),  # the back office's own pages, first
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("faq/", include("faq.urls")),
    path("consultation/", include("consultations.urls")),
    path("seminars/", include("seminars.urls")),
    path("dispatch/", include("dispatch.urls")),
    path(
        "privacy/",
        cached_page("privacy")(TemplateView.as_view(template_name="privacy.html")),
        name="privacy",
    ),
    path(
        "accessibility/",
        cached_page("accessibility")(TemplateView.as_view(template_name="accessibility.html")),
        name="accessibility",
    ),
    prefix_default_language=True,
)
