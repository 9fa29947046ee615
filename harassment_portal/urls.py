from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from . import statistics_views, views
from .page_cache import cached_page

# admin.site is the portal's own site (admin_site.py): its titles and the two-factor login.

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Back-office pages of the portal's own, before the admin's catch-all; admin_view applies
    # the admin's login (and second factor).
    path(
        "admin/statistics/",
        admin.site.admin_view(statistics_views.statistics_page),
        name="statistics",
    ),
    path(
        "admin/statistics/export.csv",
        admin.site.admin_view(statistics_views.statistics_csv),
        name="statistics-csv",
    ),
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
