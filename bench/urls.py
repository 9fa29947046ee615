"""The portal's URLs plus the trivial view every figure is measured against."""

from django.http import HttpResponse
from django.urls import path

from harassment_portal.urls import urlpatterns as portal_urlpatterns


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *portal_urlpatterns]
