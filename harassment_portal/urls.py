from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import views

admin.site.site_header = _("Customer harassment portal: office")
admin.site.site_title = _("Customer harassment portal")
admin.site.index_title = _("Back office")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("faq/", include("faq.urls")),
    path("consultation/", include("consultations.urls")),
    path("seminars/", include("seminars.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("privacy/", TemplateView.as_view(template_name="privacy.html"), name="privacy"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    prefix_default_language=True,
)
