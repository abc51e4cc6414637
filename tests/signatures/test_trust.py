import pytest

from signatures import trust
from signatures.models import Signature
from signatures.trust import domains, names
from tests.factories import make_known_organization, make_letter, make_signature, submit_signature


@pytest.mark.parametrize(
    ("email", "website"),
    [
        ("ana@aclu-wa.org", "https://aclu-wa.org"),
        ("ana@aclu-wa.org", "https://www.aclu-wa.org/about"),
        ("ana@ACLU-WA.org", "HTTPS://WWW.ACLU-WA.ORG"),
        ("ana@mail.aclu-wa.org", "https://aclu-wa.org"),
        ("ana@aclu.org", "https://wa.aclu.org"),
        ("ana@aclu-wa.org", "aclu-wa.org"),
    ],
)
def test_email_domain_matches_website_ignoring_www_case_and_subdomains(email, website):
    assert domains.domains_match(domains.email_domain(email), domains.website_domain(website))


@pytest.mark.parametrize(
    ("email", "website"),
    [
        ("ana@notaclu-wa.org", "https://aclu-wa.org"),
        ("ana@aclu-wa.org.evil.com", "https://aclu-wa.org"),
        ("ana@gmail.com", "https://aclu-wa.org"),
    ],
)
def test_email_domain_from_elsewhere_does_not_match_website(email, website):
    assert not domains.domains_match(domains.email_domain(email), domains.website_domain(website))


def test_website_domain_drops_scheme_port_path_and_www():
    assert domains.website_domain("https://www.Example.org:8443/page?x=1") == "example.org"
    assert domains.website_domain("") == ""


def test_pages_on_shared_hosts_do_not_identify_an_organization():
    assert domains.identity_domain("https://www.facebook.com/aclu-wa") == ""
    assert domains.identity_domain("https://aclu-wa.wordpress.com") == "aclu-wa.wordpress.com"


@pytest.mark.parametrize(
    "domain",
    ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com", "icloud.com",
     "proton.me", "protonmail.com", "gmx.de", "gmx.net", "mail.com", "yandex.ru",
     "yahoo.co.uk", "zoho.com"],
)  # fmt: skip
def test_common_free_mail_providers_are_recognised(domain):
    assert domains.is_free_mail(domain)


@pytest.mark.parametrize("domain", ["aclu-wa.org", "gmx.example.org", "mail.aclu.org"])
def test_organization_domains_are_not_free_mail(domain):
    assert not domains.is_free_mail(domain)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ACLU of Washington", "American Civil Liberties Union of Washington"),
        ("American Civil Liberties Union of Washington", "ACLU of Washington"),
        ("ACLU", "American Civil Liberties Union"),
        ("NAACP", "National Association for the Advancement of Colored People"),
        ("Greenpeace USA", "Green Peace USA"),
        ("Riders for Privacy", "Riders Privacy"),
        ("Washington Tenants Union", "Tenants Union of Washington"),
    ],
)
def test_names_of_the_same_organization_look_alike(first, second):
    assert names.names_look_alike(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Friends of the Earth", "Friends of the River"),
        ("ACLU of Oregon", "American Civil Liberties Union of Washington"),
        ("Sierra Club", "Sierra Club Washington Chapter"),
        ("Transit Justice Alliance", "Transit Justice Coalition"),
        ("SEIU Local 1199", "SEIU Local 1107"),
        ("Organization 12", "Organization 13"),
    ],
)
def test_names_of_different_organizations_do_not_look_alike(first, second):
    assert not names.names_look_alike(first, second)


@pytest.mark.django_db
def test_assess_names_each_look_alike_with_its_reasons():
    letter = make_letter()
    real = make_signature(
        letter,
        name="American Civil Liberties Union of Washington",
        website="https://aclu-wa.org",
        contact_email="ana@aclu-wa.org",
    )
    short = make_signature(letter, name="ACLU of Washington", contact_email="x@gmail.com")
    same_site = make_signature(letter, name="Civil Liberties WA", website="https://www.aclu-wa.org")
    same_email = make_signature(letter, name="Something Else", contact_email="ANA@aclu-wa.org")
    unrelated = make_signature(letter, name="Library Freedom Network")

    assessment = trust.assess([real])[real.pk]

    reasons = {alike.signature.pk: alike.reasons for alike in assessment.look_alikes}
    assert reasons == {
        short.pk: [trust.Reason.NAME],
        same_site.pk: [trust.Reason.WEBSITE],
        same_email.pk: [trust.Reason.EMAIL],
    }
    assert unrelated.pk not in reasons
    assert trust.Flag.NEAR_DUPLICATE in assessment.flags


@pytest.mark.django_db
def test_look_alikes_on_other_letters_do_not_count():
    real = make_signature(make_letter(), name="ACLU of Washington")
    make_signature(make_letter(), name="ACLU of Washington")

    assert trust.assess([real])[real.pk].look_alikes == []


@pytest.mark.django_db
def test_rejected_look_alike_is_shown_but_no_longer_flags():
    letter = make_letter()
    real = make_signature(letter, name="ACLU of Washington")
    make_signature(letter, name="A.C.L.U. of Washington", status=Signature.Status.REJECTED)

    assessment = trust.assess([real])[real.pk]

    assert len(assessment.look_alikes) == 1
    assert trust.Flag.NEAR_DUPLICATE not in assessment.flags


@pytest.mark.django_db
def test_free_mail_and_mismatched_domains_are_flagged_separately():
    letter = make_letter()
    free = make_signature(letter, website="https://small.example", contact_email="a@gmail.com")
    elsewhere = make_signature(letter, website="https://other.example", contact_email="a@b.org")
    matching = make_signature(letter, website="https://www.a.org", contact_email="x@a.org")
    no_site = make_signature(letter, website="", contact_email="x@b.org")

    assessed = trust.assess([free, elsewhere, matching, no_site])

    assert assessed[free.pk].flags == (trust.Flag.FREE_MAIL,)
    assert assessed[elsewhere.pk].flags == (trust.Flag.DOMAIN_MISMATCH,)
    assert assessed[matching.pk].flags == ()
    assert assessed[matching.pk].email_matches_website is True
    assert assessed[no_site.pk].email_matches_website is None
    assert assessed[no_site.pk].flags == ()


@pytest.mark.parametrize("domain", ["mailinator.com", "inbox.mailinator.com", "yopmail.com"])
def test_throwaway_mail_services_from_the_maintained_list_are_recognised(domain):
    assert domains.is_disposable_mail(domain)


@pytest.mark.parametrize("domain", ["gmail.com", "aclu-wa.org", "com", ""])
def test_organization_and_free_mail_domains_are_not_throwaway(domain):
    assert not domains.is_disposable_mail(domain)


@pytest.mark.django_db
def test_throwaway_address_is_flagged_once_and_outweighs_free_mail():
    letter = make_letter()
    throwaway = make_signature(
        letter,
        name="Small Group",
        website="https://small.example",
        contact_email="a@mailinator.com",
    )
    free = make_signature(
        letter, name="Other Circle", website="https://other.example", contact_email="b@gmail.com"
    )

    assessed = trust.assess([throwaway, free])

    assert assessed[throwaway.pk].flags == (trust.Flag.DISPOSABLE_MAIL,)
    assert assessed[throwaway.pk].score > assessed[free.pk].score


@pytest.mark.django_db
def test_throwaway_domain_never_becomes_an_organizations_known_domain():
    submit_signature(
        make_letter(),
        status=Signature.Status.APPROVED,
        name="Riders Union",
        website="",
        contact_email="riders@mailinator.com",
    )
    again = submit_signature(
        make_letter(), name="Riders Union", website="", contact_email="other@mailinator.com"
    )

    assessment = trust.assess([again])[again.pk]

    assert assessment.known_domains == frozenset()
    assert assessment.flags == (trust.Flag.DISPOSABLE_MAIL,)


@pytest.mark.django_db
def test_impostor_using_a_known_organizations_name_with_free_mail_is_flagged():
    make_known_organization()
    letter = make_letter()
    impostor = submit_signature(
        letter, name="ACLU of Washington", website="", contact_email="aclu.wa@gmail.com"
    )
    genuine_colleague = submit_signature(
        make_letter(),
        name="ACLU of Washington",
        website="https://aclu-wa.org",
        contact_email="policy@aclu-wa.org",
    )

    assessment = trust.assess([impostor])[impostor.pk]

    assert assessment.known_domains == {"aclu-wa.org"}
    assert trust.Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN in assessment.flags
    assert trust.Flag.FREE_MAIL in assessment.flags
    assert [record.contact_email for record in assessment.history] == [
        "director@aclu-wa.org",
        "policy@aclu-wa.org",
    ]
    assert trust.assess([genuine_colleague])[genuine_colleague.pk].flags == ()


@pytest.mark.django_db
def test_assess_costs_the_same_queries_for_many_signatures(django_assert_max_num_queries):
    letters = [make_letter() for _ in range(3)]
    signatures = [
        submit_signature(letters[n % 3], name=f"Organization number {n}") for n in range(30)
    ]

    with django_assert_max_num_queries(3):
        assessed = trust.assess(signatures)

    assert len(assessed) == 30
