from django.urls import path

from . import views

app_name = "purchases"

urlpatterns = [
    path("", views.PurchaseListView.as_view(), name="purchase-list"),
    path("<int:pk>/", views.PurchaseDetailView.as_view(), name="purchase-detail"),
    path(
        "<int:pk>/transition/",
        views.PurchaseTransitionView.as_view(),
        name="purchase-transition",
    ),
    path("<int:pk>/cancel/", views.PurchaseCancelView.as_view(), name="purchase-cancel"),
]
