from django.urls import path

from . import views

app_name = "seminars"
urlpatterns = [
    path("", views.seminar_list, name="overview"),
    path("<int:pk>/", views.SeminarDetailView.as_view(), name="detail"),
    path("<int:pk>/thanks/", views.thanks, name="thanks"),
    path("registration/<str:signed>/", views.ManageView.as_view(), name="manage"),
    path("my-registrations/", views.MyRegistrationsView.as_view(), name="my_registrations"),
]
