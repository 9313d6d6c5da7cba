from django.urls import path  # noqa: F401 (the pages add their patterns here)

app_name = "deliveries"

urlpatterns: list = []
