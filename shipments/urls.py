from django.urls import path

from . import fulfil_views, scan_views, shipment_views

app_name = "shipments"

urlpatterns = [
    path("fulfil/", fulfil_views.FulfilShipmentsView.as_view(), name="fulfil"),
    path("fulfil/action/", fulfil_views.FulfilActionView.as_view(), name="fulfil-action"),
    path("fulfil/awb-file/", fulfil_views.AwbCsvUploadView.as_view(), name="awb-upload"),
    path("assign/<int:pk>/", fulfil_views.SplitShipmentView.as_view(), name="split"),
    path("scan/", scan_views.HandoverScanView.as_view(), name="scan"),
    path(
        "handover/<int:pk>/finish/",
        scan_views.HandoverBatchFinishView.as_view(),
        name="batch-finish",
    ),
    path("", shipment_views.ShipmentListView.as_view(), name="shipment-list"),
    path("<int:pk>/", shipment_views.ShipmentDetailView.as_view(), name="shipment-detail"),
    path("<int:pk>/action/", shipment_views.ShipmentActionView.as_view(), name="shipment-action"),
]
