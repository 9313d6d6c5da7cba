from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import login
from channels import api as orders_api

from . import views

ACCOUNTS_MENU = {"active_menu": "accounts"}

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("menu/<slug:slug>/", views.MenuView.as_view(), name="menu"),
    path("health/", views.health, name="health"),
    path("accounts/login/", login.RateLimitedLoginView.as_view(), name="login"),
    path("accounts/logout/", login.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(extra_context=ACCOUNTS_MENU),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(extra_context=ACCOUNTS_MENU),
        name="password_change_done",
    ),
    path("purchases/", include("purchases.urls")),
    path("shipments/", include("shipments.urls")),
    path("printing/", include("printing.urls")),
    path("partners/", include("partners.urls")),
    path("channels/", include("channels.urls")),
    path("deliveries/", include("deliveries.urls")),
    path("catalog/", include("catalog.urls")),
    path("customers/", include("customers.urls")),
    path("configuration/", include("configuration.urls")),
    path("users/", include("accounts.urls")),
    path("api/v1/", orders_api.urls()),
    path("back-office/", admin.site.urls),
]
