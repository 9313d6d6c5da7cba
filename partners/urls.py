from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("feed/", views.PartnerFeedView.as_view(), name="feed"),
    # Partners are machines that may leave the slash out; APPEND_SLASH cannot redirect a POST.
    path("feed", views.PartnerFeedView.as_view(), name="feed-without-slash"),
    path("settings/", views.PartnerFeedSettingsView.as_view(), name="settings"),
    path("settings/rotate/", views.PartnerFeedSecretRotateView.as_view(), name="rotate-secret"),
    path("rejected/", views.RejectedPartnerEventListView.as_view(), name="rejected-list"),
]
