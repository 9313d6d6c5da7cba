from django.urls import path

from . import import_views, list_views, purchase_views

app_name = "purchases"

urlpatterns = [
    path("", list_views.PurchaseListView.as_view(), name="purchase-list"),
    path("import/", import_views.PurchaseImportView.as_view(), name="purchase-import"),
    path(
        "import/confirm/",
        import_views.PurchaseImportConfirmView.as_view(),
        name="purchase-import-confirm",
    ),
    path(
        "import/example.csv",
        import_views.PurchaseImportExampleView.as_view(),
        name="purchase-import-example",
    ),
    path("<int:pk>/", purchase_views.PurchaseDetailView.as_view(), name="purchase-detail"),
    path(
        "<int:pk>/transition/",
        purchase_views.PurchaseTransitionView.as_view(),
        name="purchase-transition",
    ),
    path("<int:pk>/cancel/", purchase_views.PurchaseCancelView.as_view(), name="purchase-cancel"),
]
