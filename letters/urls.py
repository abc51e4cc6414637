from django.urls import path

from letters import views

app_name = "letters"

urlpatterns = [
    path("", views.letter_list, name="list"),
    path("letters/<slug:slug>/", views.letter_detail, name="detail"),
    path("letters/<slug:slug>.txt", views.letter_text, name="text"),
    path("letters/<slug:slug>.pdf", views.letter_pdf, name="pdf"),
    path("letters/<slug:slug>/card.png", views.letter_card, name="card"),
    path("letters/<slug:slug>/response.pdf", views.response_pdf, name="response_pdf"),
    path("letters/<slug:slug>/signatories.csv", views.signatories_csv, name="signatories_csv"),
    path("letters/<slug:slug>/signatories.json", views.signatories_json, name="signatories_json"),
    path("letters/<slug:slug>/embed/", views.letter_embed, name="embed"),
    path("letters/<slug:slug>/preview/", views.letter_preview, name="preview"),
    path("letters/<slug:slug>/revisions/<int:number>/", views.letter_revision, name="revision"),
]
