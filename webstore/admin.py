"""Django's own admin, kept as a back office for superusers only; the panel is the product."""

from django.contrib.admin import AdminSite


class BackOfficeSite(AdminSite):
    site_header = "Webstore back office"
    site_title = "Webstore back office"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser
