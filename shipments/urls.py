from django.urls import path

from . import views

app_name = "shipments"

urlpatterns = [
    path("", views.ShipmentListView.as_view(), name="shipment-list"),
]
