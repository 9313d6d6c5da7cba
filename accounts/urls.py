from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.UserListView.as_view(), name="user-list"),
    path("add/", views.UserAddView.as_view(), name="user-add"),
    path("<int:pk>/password/", views.UserSetPasswordView.as_view(), name="user-password"),
    path(
        "<int:pk>/<slug:action>/",
        views.UserActionView.as_view(),
        name="user-action",
    ),
]
