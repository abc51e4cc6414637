import logging

import pytest
from django.urls import reverse

from config.logs import RedactPrivateLinks

TOKEN = "MQ:1vLq2x:7Zk1p0-Aq_3X"


@pytest.mark.parametrize(
    "name", ["signatures:confirm", "signatures:manage", "signatures:manage_details",
             "signatures:manage_withdraw"],
)  # fmt: skip
def test_the_token_of_every_private_link_is_blanked_in_log_messages(name):
    path = reverse(name, args=[TOKEN])
    record = logging.LogRecord(
        "django.request", logging.ERROR, "", 0, "Bad Request: %s", (path,), None
    )
    RedactPrivateLinks().filter(record)
    assert TOKEN not in record.getMessage()
    assert "/[private]/" in record.getMessage()


def test_public_paths_are_logged_as_they_are():
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Not Found: %s",
                               ("/letters/confirm-the-budget/",), None)  # fmt: skip
    RedactPrivateLinks().filter(record)
    assert record.getMessage() == "Not Found: /letters/confirm-the-budget/"


def test_json_log_lines_carry_the_proxys_request_id_and_no_private_link(
    broken_deployment, private_link
):
    token, path = private_link
    response = broken_deployment.get(path, headers={"X-Request-ID": "req-5f1c"})
    # A database error is answered as "try again in a minute" (config/outage.py), and still
    # logged with its traceback.
    assert response.status_code == 503
    assert response.headers["X-Request-ID"] == "req-5f1c"

    [line] = [
        line for line in broken_deployment.log_lines() if line.get("request_id") == "req-5f1c"
    ]
    assert line["level"] == "ERROR"
    assert line["logger"] == "django.request"
    assert line["message"] == "Service Unavailable: /confirm/[private]/"
    assert line["status_code"] == 503
    assert "OperationalError" in line["exc_info"]
    assert {"time", "request_id"} <= set(line)
    assert token not in broken_deployment.log.read_text()


def test_a_request_without_an_id_gets_one(broken_deployment):
    response = broken_deployment.get("/letters/nothing-here/")
    assert len(response.headers["X-Request-ID"]) == 32
