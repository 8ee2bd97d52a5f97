from django.urls import path

from passports import views

app_name = "passports"

urlpatterns = [
    path("p/<slug:token>/", views.passport_public, name="public"),
    path("p/<slug:token>/service/", views.passport_service, name="service"),
    path("p/<slug:token>/link/", views.passport_link, name="link"),
    path("passports/", views.passports_mine, name="mine"),
    path("passports/<uuid:uid>/", views.passport_owner, name="item"),
    path("passports/transfer/<slug:token>/", views.passport_transfer, name="transfer"),
]
