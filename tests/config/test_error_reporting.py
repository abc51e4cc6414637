import sentry_sdk


def test_without_a_dsn_nothing_is_reported():
    assert not sentry_sdk.get_client().is_active()


def test_an_error_is_reported_without_private_links_contact_details_or_addresses(
    broken_deployment, sentry, private_link
):
    token, path = private_link
    response = broken_deployment.get(
        path + "?contact_email=pat@riders.example.org",
        headers={
            "Referer": f"https://letters.example.org/manage/{token}/",
            "Cookie": "sessionid=s3cr3t-session",
            "X-Forwarded-For": "203.0.113.77",
            "User-Agent": "Mozilla/5.0 (a signer)",
        },
    )
    # The signer sees "try again in a minute" (config/outage.py); Sentry still hears of it.
    assert response.status_code == 503

    [event] = [e for e in sentry.events() if e["request"]["url"].endswith("/confirm/[private]/")]
    # The database's error, raised by Django's as the cause of its own.
    exceptions = event["exception"]["values"]
    assert [e["type"] for e in exceptions][-1] == "OperationalError"
    assert event["transaction"] == "/confirm/{token}/"
    assert event["request"] == {
        "method": "GET",
        "url": "http://letters.example.org/confirm/[private]/",
    }
    sent = "".join(sentry.raw)
    for private in (token, "pat@riders.example.org", "s3cr3t-session", "203.0.113.77"):
        assert private not in sent
    # No local variables of the failing code travel with the report.
    frames = [frame for e in exceptions for frame in e["stacktrace"]["frames"]]
    assert frames
    assert not any("vars" in frame for frame in frames)
