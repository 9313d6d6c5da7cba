"""Read-only back-office views of the feed's records (the secret is only on the settings page)."""

from django.contrib import admin

from .models import PartnerEvent, RejectedPartnerEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartnerEvent)
class PartnerEventAdmin(ReadOnlyAdmin):
    list_display = [
        "event_id",
        "purchase",
        "item",
        "kind",
        "quantity",
        "occurred_at",
        "received_at",
    ]
    list_filter = ["kind", "received_via"]
    search_fields = ["event_id", "purchase__number"]
    list_select_related = ["purchase", "item"]


@admin.register(RejectedPartnerEvent)
class RejectedPartnerEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "reason", "event_id", "purchase_number", "received_via"]
    list_filter = ["reason", "received_via"]
    search_fields = ["event_id", "purchase_number"]
