from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebstoreConfig(AppConfig):
    default = True
    name = "webstore"
    verbose_name = "Webstore panel"


class BackOfficeAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "webstore.admin.BackOfficeSite"
