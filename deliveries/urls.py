from django.urls import path

from . import views

app_name = "deliveries"

urlpatterns = [
    path("<int:pk>/answer/", views.NdrAnswerView.as_view(), name="ndr-answer"),
    path("return-selected/", views.NdrReturnSelectedView.as_view(), name="ndr-return-selected"),
    path("reattempts-file/", views.ReattemptsFileView.as_view(), name="reattempts-file"),
]
