"""Hostile names: invisible characters, compatibility forms and look-alike letters of other
scripts must neither make an impostor's name display as another's nor slip past duplicate
detection; and nothing a fuzzer types into the signing form is a 500."""

import unicodedata

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from signatures import services
from signatures.forms import clean_organization_name
from signatures.models import Signature, normalize_organization_name
from signatures.spoofing import displayable, mixed_script_word
from tests.factories import make_letter, sign_form_data, signer_data

BIDI_CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
# Cyrillic and Greek letters Unicode lists as confusable with these Latin ones.
LOOK_ALIKES = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і"}

names = st.text(min_size=1, max_size=60)
latin_names = st.text(alphabet="acepoxyi ACLU&-.", min_size=1, max_size=40).filter(
    lambda name: normalize_organization_name(name)
)


@given(names)
def test_the_normalized_name_has_no_invisible_characters(name):
    for char in normalize_organization_name(name):
        assert unicodedata.category(char) not in ("Cc", "Cf", "Co", "Cs", "Cn")


@given(names)
def test_normalizing_is_idempotent(name):
    once = normalize_organization_name(name)
    assert normalize_organization_name(once) == once


@given(names, st.lists(st.sampled_from(BIDI_CONTROLS + ZERO_WIDTH), max_size=5), st.randoms())
def test_invisible_characters_change_neither_the_shown_name_nor_the_key(name, hidden, random):
    spoofed = list(name)
    for char in hidden:
        spoofed.insert(random.randint(0, len(spoofed)), char)
    spoofed = "".join(spoofed)
    assert normalize_organization_name(spoofed) == normalize_organization_name(name)
    assert displayable(spoofed) == displayable(name.translate({ord(c): None for c in hidden}))


@given(latin_names, st.data())
def test_look_alike_letters_of_other_scripts_fold_into_the_latin_name(name, data):
    swaps = data.draw(st.sets(st.sampled_from(sorted(LOOK_ALIKES)), max_size=4))
    spoofed = "".join(LOOK_ALIKES[c] if c in swaps else c for c in name)
    assert normalize_organization_name(spoofed) == normalize_organization_name(name)


@pytest.mark.parametrize(
    "impostor",
    [
        "Аmnesty International",  # a Cyrillic А
        "ΑCLU of Washington",  # a Greek Α
        "ACLU of Washington\u202e",  # a right-to-left override
        "ACLU\u200b of Washington",  # a zero-width space
        "𝐀𝐂𝐋𝐔 of Washington",  # mathematical bold letters
        "ＡＣＬＵ of Washington",  # full-width letters
        "ACLU of Washíngton",  # an accent
    ],
)
def test_an_impostor_spelling_is_a_duplicate_of_the_organization(impostor, db):
    letter = make_letter()
    real = "Amnesty International" if "mnesty" in impostor else "ACLU of Washington"
    services.signature_submit(letter=letter, data=signer_data(name=real), ip=None)

    name = displayable(impostor)
    result = services.signature_submit(letter=letter, data=signer_data(name=name), ip=None)

    assert result.outcome is not services.SubmitOutcome.CREATED
    assert Signature.objects.filter(letter=letter).count() == 1


def test_a_word_mixing_latin_with_cyrillic_is_refused_with_a_message():
    with pytest.raises(Exception, match="one alphabet") as refusal:
        clean_organization_name("Аmnesty International")
    assert "Аmnesty" in str(refusal.value)


@pytest.mark.parametrize(
    "name", ["Москва Солидарность", "Ελληνικό Φόρουμ", "東京ガス労働組合", "NTTドコモ", "서울 YMCA"]
)
def test_names_written_in_one_script_or_in_chinese_japanese_or_korean_are_welcome(name):
    assert mixed_script_word(name) is None
    assert clean_organization_name(name) == name


def test_the_shown_name_is_nfkc_without_invisible_characters():
    assert clean_organization_name("  ＲＩＶＥＲ\u200b  Keepers\u202e ") == "RIVER Keepers"


@pytest.fixture
def no_rate_limits(settings):
    """Many submissions from one address in a minute: the fuzzer, not a flood."""
    settings.RATELIMITS = settings.RATELIMITS | {"sign": {"ip": "", "email": ""}}


@pytest.mark.django_db(transaction=True)
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            field: st.text(max_size=300)
            for field in ("name", "website", "city", "region", "country", "contact_name",
                          "contact_title", "contact_email", "note", "authorized")
        },
    )
)  # fmt: skip
def test_nothing_a_fuzzer_sends_to_the_signing_form_is_a_500(client, no_rate_limits, fields):
    letter = make_letter()
    data = sign_form_data() | {key: value.replace("\x00", "") for key, value in fields.items()}

    response = client.post(reverse("signatures:sign", args=[letter.slug]), data)

    assert response.status_code in (200, 302)
    for signature in Signature.objects.filter(letter=letter):
        assert signature.name == displayable(signature.name)
        assert signature.normalized_name


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.text(max_size=300))
def test_null_characters_and_any_unicode_get_a_form_answer_not_an_error(
    client, db, no_rate_limits, raw
):
    letter = make_letter()

    response = client.post(
        reverse("signatures:sign", args=[letter.slug]), sign_form_data(name=raw, city=raw)
    )

    assert response.status_code in (200, 302)
