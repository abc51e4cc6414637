"""The interface language: from ?lang= or the browser, never a cookie; the letter's own words
untouched; mail in the language the signer used."""

from html import unescape

import pytest
from django.urls import reverse

from signatures.models import Signature
from tests.factories import make_letter, make_signature, sign_form_data

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9,en;q=0.5"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.fixture
def spanish_letter():
    letter = make_letter(
        title="Letter to Example Corp on data brokers",
        salutation="Dear Ms. Doe:",
        body="We write to ask you to stop selling location data.",
        closing="Signed,",
    )
    make_signature(letter, name="Friends of the Park", city="Springfield", region="IL")
    return letter


def text_of(response) -> str:
    return unescape(response.content.decode())


def test_spanish_browser_gets_the_spanish_letter_page_cacheable_and_cookie_free(
    client, spanish_letter
):
    response = client.get(spanish_letter.get_absolute_url(), **SPANISH)

    page = text_of(response)
    assert response.status_code == 200
    assert '<html lang="es">' in page
    assert "Añada su organización" in page
    assert "Publicado con Undersigned." in page
    # The list of signatories belongs to the (English) letter, as on paper.
    assert '<h2 id="signatories-heading" lang="en">Signatories' in page
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Language"] == "es"
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in page
    assert "public" in response["Cache-Control"]


def test_letter_text_and_names_are_not_translated(client, spanish_letter):
    english = text_of(client.get(spanish_letter.get_absolute_url(), **ENGLISH))
    spanish = text_of(client.get(spanish_letter.get_absolute_url(), **SPANISH))

    for words in (
        "Letter to Example Corp on data brokers",
        "Dear Ms. Doe:",
        "We write to ask you to stop selling location data.",
        "Signed,",
        "Jane Doe, Chief Executive Officer",
        "Friends of the Park",
        "Springfield, IL",
    ):
        assert words in english
        assert words in spanish
    # The date line is part of the letter, as in its .txt.
    date_line = spanish_letter.letter_date.strftime("%B %-d, %Y")
    assert date_line in spanish


def test_english_and_spanish_pages_are_cached_apart(client, spanish_letter):
    url = spanish_letter.get_absolute_url()
    english = client.get(url, **ENGLISH)
    spanish = client.get(url, **SPANISH)
    english_again = client.get(url, **ENGLISH)

    assert "Add your organization" in text_of(english)
    assert "Añada su organización" in text_of(spanish)
    assert english_again.content == english.content
    assert english["ETag"] != spanish["ETag"]


def test_explicit_choice_overrides_the_browser_and_is_kept_on_links(client, spanish_letter):
    response = client.get(spanish_letter.get_absolute_url() + "?lang=es", **ENGLISH)

    page = text_of(response)
    sign_url = reverse("signatures:sign", args=[spanish_letter.slug])
    assert "Añada su organización" in page
    assert f'href="{sign_url}?lang=es"' in page
    # The address itself names the language, so caches need not vary on the browser's.
    assert "Accept-Language" not in response.get("Vary", "")
    assert response["Content-Language"] == "es"
    assert not response.cookies


def test_explicit_choice_and_browser_choice_are_cached_apart(client, spanish_letter):
    """Both are Spanish, but only the explicit one carries ?lang=es on its links."""
    url = spanish_letter.get_absolute_url()
    by_browser = text_of(client.get(url, **SPANISH))
    by_switcher = text_of(client.get(url + "?lang=es", **ENGLISH))

    sign_url = reverse("signatures:sign", args=[spanish_letter.slug])
    assert f'href="{sign_url}"' in by_browser
    assert f'href="{sign_url}?lang=es"' in by_switcher


def test_switcher_links_to_each_language_and_marks_the_current_one(client, spanish_letter):
    page = text_of(client.get(spanish_letter.get_absolute_url(), **SPANISH))

    assert '<nav class="language-switcher" aria-label="Idioma">' in page
    assert '<a href="?lang=en" lang="en" hreflang="en">English</a>' in page
    assert '<a href="?lang=es" lang="es" hreflang="es" aria-current="true">Español</a>' in page


def test_unknown_language_falls_back_to_english(client, spanish_letter):
    response = client.get(
        spanish_letter.get_absolute_url() + "?lang=xx", HTTP_ACCEPT_LANGUAGE="fr-FR,de;q=0.8"
    )

    assert '<html lang="en">' in text_of(response)
    assert response["Content-Language"] == "en"


def test_a_language_the_browser_refuses_is_not_chosen(client, spanish_letter):
    response = client.get(spanish_letter.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es;q=0, en")

    assert response["Content-Language"] == "en"


def test_plain_text_and_data_forms_are_the_same_in_every_language(client, spanish_letter):
    for name in ("letters:text", "letters:signatories_csv", "letters:signatories_json"):
        url = reverse(name, args=[spanish_letter.slug])
        english = client.get(url, **ENGLISH)
        spanish = client.get(url, **SPANISH)
        chosen = client.get(url + "?lang=es")

        assert english.content == spanish.content == chosen.content
        assert "Accept-Language" not in spanish.get("Vary", "")
        assert "Content-Language" not in spanish


def test_embed_follows_the_language_and_keeps_the_choice(client, spanish_letter):
    url = reverse("letters:embed", args=[spanish_letter.slug])
    page = text_of(client.get(url + "?lang=es"))

    assert '<html lang="es">' in page
    assert "organización ha firmado" in page
    assert f'href="{reverse("signatures:sign", args=[spanish_letter.slug])}?lang=es"' in page


def test_spanish_sign_form_has_spanish_labels_and_errors(client, spanish_letter):
    url = reverse("signatures:sign", args=[spanish_letter.slug]) + "?lang=es"
    form_page = text_of(client.get(url))
    assert "Nombre de la organización" in form_page
    assert "Persona de contacto (nunca se publica)" in form_page
    assert f'action="{url}"' in form_page

    data = sign_form_data(name="", contact_email="not an address", authorized=False)
    errors = text_of(client.post(url, data))

    assert "Hay un problema" in errors
    assert "Escriba el nombre de su organización" in errors
    assert "Escriba una dirección de correo con el formato correcto" in errors
    assert "Confirme que está autorizado/a para firmar en nombre de esta organización" in errors


def test_spanish_signer_is_sent_on_in_spanish_and_mailed_in_spanish(
    client, spanish_letter, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("signatures:sign", args=[spanish_letter.slug]) + "?lang=es"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, sign_form_data(name="Amigos del Río"))

    check_email = reverse("signatures:check_email", args=[spanish_letter.slug])
    assert response.status_code == 302
    assert response["Location"] == check_email + "?lang=es"
    signature = Signature.objects.get(name="Amigos del Río")
    assert signature.language == "es"

    (message,) = mailoutbox
    assert message.subject == (
        "Confirme, por favor: Amigos del Río firma «Letter to Example Corp on data brokers»"
    )
    assert message.body.startswith(f"Hola, {signature.contact_name}:")
    assert "Para confirmar, abra este enlace" in message.body
    confirm_link = next(line for line in message.body.splitlines() if "/confirm/" in line)
    assert confirm_link.endswith("?lang=es")

    confirm_page = text_of(client.get(confirm_link.removeprefix("http://127.0.0.1:8000")))
    assert "Confirme su firma" in confirm_page


def test_browser_language_is_stored_when_no_choice_was_made(
    client, spanish_letter, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("signatures:sign", args=[spanish_letter.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, sign_form_data(name="Vecinos Unidos"), **SPANISH)

    assert Signature.objects.get(name="Vecinos Unidos").language == "es"
    assert mailoutbox[0].subject.startswith("Confirme, por favor")


def test_english_signer_gets_english_mail_with_unchanged_links(
    client, spanish_letter, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("signatures:sign", args=[spanish_letter.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, sign_form_data(name="Neighbors United"), **ENGLISH)

    (message,) = mailoutbox
    assert Signature.objects.get(name="Neighbors United").language == "en"
    assert message.subject.startswith("Please confirm: Neighbors United signs")
    assert "?lang=" not in message.body


def test_mail_sent_by_a_moderator_uses_the_signers_language_not_the_moderators(
    staff_client, spanish_letter, mailoutbox, django_capture_on_commit_callbacks
):
    signature = make_signature(spanish_letter, status=Signature.Status.PENDING, language="es")
    changelist = reverse("admin:signatures_signature_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            changelist,
            {"action": "approve", "_selected_action": [signature.pk]},
            **ENGLISH,
        )

    (message,) = mailoutbox
    assert message.subject == f"{signature.name} ya figura en «{spanish_letter.title}»"
    assert "Gracias por firmar." in message.body


def test_other_public_pages_keep_an_explicit_choice(client, spanish_letter):
    page = text_of(client.get(reverse("letters:list") + "?lang=es"))

    assert "Cartas para firmar" in page
    assert f'href="{spanish_letter.get_absolute_url()}?lang=es"' in page


def test_the_letter_text_keeps_its_own_language_on_a_spanish_page(client, db):
    from tests.factories import make_letter

    letter = make_letter(body="We ask you to stop.")
    html = client.get(letter.get_absolute_url(), headers={"accept-language": "es"}).content.decode()
    assert '<html lang="es">' in html
    assert '<div class="letter-body" lang="en"><p>We ask you to stop.</p>' in html
    assert 'class="letter-title" lang="en"' in html
