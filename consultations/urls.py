from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("form/", views.FormView.as_view(), name="form"),
    path("check/", views.CheckView.as_view(), name="check"),
    path("thanks/", views.ThanksView.as_view(), name="thanks"),
    path("case/<str:token>/", views.CaseView.as_view(), name="case"),
]
