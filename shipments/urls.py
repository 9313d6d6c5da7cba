from django.urls import path

from . import views

app_name = "shipments"

urlpatterns = [
    path("fulfil/", views.FulfilShipmentsView.as_view(), name="fulfil"),
    path("", views.ShipmentListView.as_view(), name="shipment-list"),
]
