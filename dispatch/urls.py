from django.urls import path

from . import views

app_name = "dispatch"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("apply/", views.FormView.as_view(), name="form"),
    path("apply/check/", views.CheckView.as_view(), name="check"),
    path("apply/thanks/", views.ThanksView.as_view(), name="thanks"),
    path("status/<str:token>/", views.StatusView.as_view(), name="status"),
]
