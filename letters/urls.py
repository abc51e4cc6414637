from django.urls import path

from letters import views

app_name = "letters"

urlpatterns = [
    path("", views.letter_list, name="list"),
    path("letters/<slug:slug>/", views.letter_detail, name="detail"),
    path("letters/<slug:slug>/preview/", views.letter_preview, name="preview"),
    path("letters/<slug:slug>/revisions/<int:number>/", views.letter_revision, name="revision"),
]
