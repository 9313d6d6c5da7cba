from django.urls import path

from . import views

app_name = "configuration"

urlpatterns = [
    path("store/", views.StoreProfileView.as_view(), name="store-profile"),
    path("store/edit/", views.StoreProfileUpdateView.as_view(), name="store-profile-edit"),
    path("agents/", views.ShippingAgentListView.as_view(), name="agent-list"),
    path("agents/add/", views.ShippingAgentCreateView.as_view(), name="agent-add"),
    path("agents/<int:pk>/edit/", views.ShippingAgentUpdateView.as_view(), name="agent-edit"),
    path("documents/", views.PrintedDocumentsView.as_view(), name="documents"),
    path("emails/", views.CustomerEmailsView.as_view(), name="emails"),
]
