from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("feed/", views.PartnerFeedView.as_view(), name="feed"),
    path("settings/", views.PartnerFeedSettingsView.as_view(), name="settings"),
    path("settings/rotate/", views.PartnerFeedSecretRotateView.as_view(), name="rotate-secret"),
    path("rejected/", views.RejectedPartnerEventListView.as_view(), name="rejected-list"),
]
