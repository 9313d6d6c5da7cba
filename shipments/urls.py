from django.urls import path

from . import views

app_name = "shipments"

urlpatterns = [
    path("fulfil/", views.FulfilShipmentsView.as_view(), name="fulfil"),
    path("fulfil/action/", views.FulfilActionView.as_view(), name="fulfil-action"),
    path("fulfil/awb-file/", views.AwbCsvUploadView.as_view(), name="awb-upload"),
    path("assign/<int:pk>/", views.SplitShipmentView.as_view(), name="split"),
    path("scan/", views.HandoverScanView.as_view(), name="scan"),
    path("handover/<int:pk>/finish/", views.HandoverBatchFinishView.as_view(), name="batch-finish"),
    path("", views.ShipmentListView.as_view(), name="shipment-list"),
    path("<int:pk>/", views.ShipmentDetailView.as_view(), name="shipment-detail"),
    path("<int:pk>/action/", views.ShipmentActionView.as_view(), name="shipment-action"),
]
