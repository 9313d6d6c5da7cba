from django.urls import path

from . import stock_views, views

app_name = "catalog"

urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("products/add/", views.ProductCreateView.as_view(), name="product-add"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="product-detail"),
    path("products/<int:pk>/edit/", views.ProductUpdateView.as_view(), name="product-edit"),
    path(
        "products/<int:pk>/receive/", stock_views.StockReceiveView.as_view(), name="stock-receive"
    ),
    path("products/<int:pk>/count/", stock_views.StockCountView.as_view(), name="stock-count"),
    path("products/stock-file/", stock_views.StockUploadView.as_view(), name="stock-upload"),
    path("discounts/", views.DiscountReportView.as_view(), name="discounts"),
]
