from django.urls import path

from . import refused_views, views

app_name = "channels"

urlpatterns = [
    path("", views.ChannelListView.as_view(), name="channel-list"),
    path("add/", views.ChannelCreateView.as_view(), name="channel-add"),
    path("<int:pk>/rotate/", views.ChannelRotateSecretView.as_view(), name="channel-rotate"),
    path("<int:pk>/active/", views.ChannelSetActiveView.as_view(), name="channel-set-active"),
    path("refused/", refused_views.RefusedOrderListView.as_view(), name="refused-list"),
]
