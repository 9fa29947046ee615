"""The back office's own pages beside the admin's (mounted under /admin/ before the admin's
catch-all); ``admin_view`` applies the admin's login and second factor."""

from django.contrib import admin
from django.urls import path

from . import statistics_views

urlpatterns = [
    path(
        "statistics/",
        admin.site.admin_view(statistics_views.statistics_page),
        name="statistics",
    ),
    path(
        "statistics/export.csv",
        admin.site.admin_view(statistics_views.statistics_csv),
        name="statistics-csv",
    ),
]
