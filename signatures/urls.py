from django.urls import path

from signatures import views

app_name = "signatures"

urlpatterns = [
    path("letters/<slug:slug>/sign/", views.sign, name="sign"),
    path("letters/<slug:slug>/sign/check-your-email/", views.check_email, name="check_email"),
    path("letters/<slug:slug>/sign/resend/", views.resend, name="resend"),
    path("letters/<slug:slug>/sign/resend/sent/", views.resend_done, name="resend_done"),
    path("letters/<slug:slug>/lost-link/", views.recover, name="recover"),
    path("letters/<slug:slug>/lost-link/sent/", views.recover_done, name="recover_done"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("confirm-email/<str:token>/", views.confirm_email, name="confirm_email"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/details/", views.manage_details, name="manage_details"),
    path("manage/<str:token>/withdraw/", views.manage_withdraw, name="manage_withdraw"),
]
