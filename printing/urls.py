from django.urls import path

from . import views

app_name = "printing"

urlpatterns = [
    path("", views.PrintView.as_view(), name="print"),
    path("jobs/", views.PrintJobListView.as_view(), name="job-list"),
    path("jobs/<int:pk>/", views.PrintJobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:pk>/status/", views.PrintJobStatusView.as_view(), name="job-status"),
    path("jobs/<int:pk>/download/", views.PrintJobDownloadView.as_view(), name="job-download"),
    path("jobs/<int:pk>/retry/", views.PrintJobRetryView.as_view(), name="job-retry"),
]
