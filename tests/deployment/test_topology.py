"""The deployment docker-compose.yml describes, run as processes (tests/deployment/stack.py)
and used through its proxy over HTTPS, as people use it: Caddy in front of two gunicorn
replicas, two mail workers, the scheduler, PostgreSQL and Redis, mail to a loopback SMTP
server. The tests run in the order written, on one stack; each says what it shows."""

import json
import re
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import psycopg
import psycopg.sql
import pytest
from django.conf import settings

from tests.conftest import LINK
from tests.deployment.stack import ROOT
from tests.deployment.visitor import Visitor

SLUG = "fare-data-privacy"
# The signing form refuses a submission faster than FORM_MIN_FILL_SECONDS (3 by default, and
# the stack keeps the defaults): people take a moment, so each test waits once.
FILL_SECONDS = 3.2
BURST, AT_ONCE, KILL_AFTER = 40, 8, 10


def signing_form(visitor, name, email):
    page = visitor.get(f"/letters/{SLUG}/sign/")
    assert page.status_code == 200, page.text
    return visitor.form(page, containing="contact_email").set(
        name=name,
        city="Oakland",
        country="United States",
        contact_name="Pat Contact",
        contact_email=email,
        authorized=True,
    )


def accepted(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].endswith(
        f"/letters/{SLUG}/sign/check-your-email/"
    )


def mail_to(sink, address, *, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := [m for m in sink.messages if m["To"] == address]:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address} within {timeout} s")


def links_in(message) -> list[str]:
    return LINK.findall(message.get_body(("plain",)).get_content())


def confirm_by_mail(visitor, sink, email):
    [message] = mail_to(sink, email)
    [link] = [link for link in links_in(message) if "/confirm/" in link]
    page = visitor.get(urlsplit(link).path)
    form = visitor.form(page, containing="csrfmiddlewaretoken")
    # A browser sends the private link as the Referer; the proxy's log must not keep it.
    return link, visitor.submit(form, headers={"Referer": link})


def approve(moderator, name):
    listing = moderator.get(
        "/admin/signatures/signature/", params={"q": name, "status__exact": "pending"}
    )
    form = moderator.form(listing, containing="action")
    [pk] = form.choices["_selected_action"]
    response = moderator.submit(form.set(action="approve").add("_selected_action", pk))
    assert response.status_code == 302, response.text
    assert "1 signature approved" in moderator.follow(response).text


def access_log(stack) -> list[dict]:
    lines = stack.logs("proxy").splitlines()
    return [json.loads(line) for line in lines if '"logger":"http.log.access' in line]


def upstream_of(stack, request_id) -> str:
    """The replica that answered a request, from the proxy's access log (written just after
    the response, so it may take a moment to appear)."""
    for _ in range(50):
        for entry in access_log(stack):
            if entry.get("uuid") == request_id:
                return entry.get("upstream")
        time.sleep(0.05)
    raise AssertionError(f"request {request_id} is not in the proxy's access log")


def wait_until_all_mail_is_sent(stack_db, *, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        unsent = stack_db.execute(
            "SELECT count(*) FROM signatures_outgoingmail WHERE status <> 'sent'"
        ).fetchone()[0]
        tasks = stack_db.execute(
            # Each send attempt also leaves a copy of its task for when its lease runs out
            # (signatures/outbox.py): those wait, not due, and find the mail sent. A task
            # enqueued to run at once has run_after 9999-01-01, not NULL (django-tasks-db's
            # get_date_max): counting it as "not due" let this return with copies unrun.
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' "
            "OR (status = 'READY' AND (run_after <= now() OR run_after >= '9999-01-01'))"
        ).fetchone()[0]
        if unsent == 0 and tasks == 0:
            return
        time.sleep(0.2)
    raise AssertionError(f"{unsent} mails unsent, {tasks} tasks waiting after {timeout} s")


@pytest.fixture(scope="module")
def letter(stack, moderator):
    """Drafted in the admin, through the proxy, and opened for signatures."""
    page = moderator.get("/admin/letters/letter/add/")
    form = moderator.form(page, containing="title").set(
        title="Fare data privacy",
        slug=SLUG,
        addressees="Dana Whitfield, CEO\nBrightline Transit",
        salutation="Dear Ms. Whitfield:",
        body="We ask you to stop selling riders' fare data.\n\nThank you.",
        status="open",
        contact_email="organizers@example.org",
        open_without_deadline="on",
    )
    response = moderator.submit(form)
    assert response.status_code == 302, response.text
    return SLUG


def test_a_letter_goes_from_draft_to_public_page_through_the_proxy(
    stack, moderator, letter, mail_sink
):
    visitor = Visitor(stack, source="127.0.1.1")
    form = signing_form(visitor, "Riders for Privacy", "ana@riders.example.org")
    time.sleep(FILL_SECONDS)
    assert accepted(visitor.submit(form))

    link, confirmed = confirm_by_mail(visitor, mail_sink, "ana@riders.example.org")
    # The link names the site as the compose file makes SITE_URL: HTTPS on the domain.
    assert link.startswith(f"https://{stack.host}/confirm/")
    assert confirmed.status_code == 200
    assert "your signature is confirmed" in confirmed.text

    approve(moderator, "Riders for Privacy")
    public = visitor.get(f"/letters/{letter}/")
    assert public.status_code == 200
    assert "Riders for Privacy" in public.text
    assert "ana@riders.example.org" not in public.text


def test_plain_http_is_redirected_to_https(stack, letter):
    response = httpx.get(
        f"http://127.0.0.1:{stack.http_port}/letters/{letter}/", headers={"Host": stack.host}
    )
    assert response.status_code == 308
    assert response.headers["Location"].startswith(f"https://{stack.host}")


def test_the_proxy_serves_static_files_itself_compressed_and_immutable(stack, letter):
    visitor = Visitor(stack)
    page = visitor.get(f"/letters/{letter}/")
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text)[1]
    response = visitor.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    # No replica was asked: a proxied answer carries Caddy's Via header.
    assert "Via" not in response.headers


def test_the_public_page_arrives_compressed_cacheable_and_revalidates(stack, letter):
    visitor = Visitor(stack)
    page = visitor.get(f"/letters/{letter}/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert "s-maxage=60" in page.headers["Cache-Control"]
    assert "public" in page.headers["Cache-Control"]
    vary = {value.strip().lower() for value in page.headers["Vary"].split(",")}
    assert {"accept-language", "accept-encoding"} <= vary
    again = visitor.get(
        f"/letters/{letter}/",
        headers={"Accept-Encoding": "gzip", "If-None-Match": page.headers["ETag"]},
    )
    assert again.status_code == 304


def test_rate_limits_count_the_forwarded_client_address_across_both_replicas(
    stack, letter, stack_db, figures
):
    limit = int(settings.RATELIMITS["sign"]["ip"].split("/")[0])
    office, neighbour = Visitor(stack, source="127.0.2.1"), Visitor(stack, source="127.0.2.2")
    forms = [
        signing_form(office, f"Office Org {n}", f"office{n}@org{n}.example.org")
        for n in range(limit + 1)
    ]
    neighbour_form = signing_form(neighbour, "Neighbour Org", "next@door.example.org")
    time.sleep(FILL_SECONDS)

    answers = [office.submit(form) for form in forms[:limit]]
    assert all(accepted(answer) for answer in answers)
    # A client can't step out of its limit by naming another address: the proxy replaces
    # the header with the address it sees.
    over = office.submit(forms[limit], headers={"X-Forwarded-For": "198.51.100.7"})
    assert over.status_code == 429
    assert accepted(neighbour.submit(neighbour_form))

    stored = stack_db.execute(
        "SELECT DISTINCT host(submitted_ip) FROM signatures_signature "
        "WHERE name LIKE 'Office Org %'"
    ).fetchall()
    assert stored == [("127.0.2.1",)]
    served = Counter(upstream_of(stack, answer.headers["X-Request-ID"]) for answer in answers)
    assert len(served) == 2, served
    figures.append(
        f"rate limit {limit}/h per address: {limit} accepted from 127.0.2.1 across both "
        f"replicas ({', '.join(f'{n} by {u}' for u, n in sorted(served.items()))}), the next "
        f"refused (429) despite a forged X-Forwarded-For; 127.0.2.2 still accepted"
    )


def test_a_staff_session_holds_on_either_replica(stack, moderator):
    served = set()
    for _ in range(6):
        response = moderator.get("/admin/")
        assert response.status_code == 200
        assert "Organizers’ desk" in response.text
        served.add(upstream_of(stack, response.headers["X-Request-ID"]))
    assert served == {f"127.0.0.1:{port}" for port in stack.web_ports()}


def test_no_accepted_signature_is_lost_when_a_replica_dies_mid_burst(
    stack, letter, mail_sink, stack_db, figures
):
    """One web replica is killed (SIGKILL to gunicorn and its workers) while signers submit,
    several at a time. The mail workers are down meanwhile (being redeployed, say) and the
    scheduler's requeue then runs with no grace period, so every mail has two delivery tasks
    when the two workers come back, to a slow mail server, and share them out."""
    visitors = [Visitor(stack, source=f"127.0.3.{n + 1}") for n in range(BURST)]
    emails = [f"burst{n}@org{n}.example.org" for n in range(BURST)]
    with ThreadPoolExecutor(AT_ONCE) as pool:
        forms = list(
            pool.map(lambda n: signing_form(visitors[n], f"Burst Org {n}", emails[n]), range(BURST))
        )
    stack.stop_service("worker")
    [(since,)] = stack_db.execute("SELECT now()")
    time.sleep(FILL_SECONDS)

    outcomes, answered, lock = {}, [0], threading.Lock()

    def submit(n):
        try:
            response = visitors[n].submit(forms[n])
            outcomes[n] = "accepted" if accepted(response) else f"HTTP {response.status_code}"
        except httpx.TransportError as error:
            outcomes[n] = type(error).__name__
        with lock:
            answered[0] += 1
            if answered[0] == KILL_AFTER:
                stack.kill("web", 0)

    started = time.monotonic()
    with ThreadPoolExecutor(AT_ONCE) as pool:
        list(pool.map(submit, range(BURST)))
    elapsed = time.monotonic() - started
    assert not stack.replicas["web"][0].process.running

    requeued = stack.run(
        "scheduler",
        ["python", "manage.py", "requeue_mail"],
        env={"MAIL_REQUEUE_AFTER_SECONDS": "0"},
    )
    assert requeued.returncode == 0, requeued.stderr
    mail_sink.delay = 0.1
    stack.start_service("worker")
    wait_until_all_mail_is_sent(stack_db)
    mail_sink.delay = 0

    taken = {n for n, outcome in outcomes.items() if outcome == "accepted"}
    stored = {
        name
        for (name,) in stack_db.execute(
            "SELECT name FROM signatures_signature WHERE name LIKE 'Burst Org %'"
        )
    }
    lost = {f"Burst Org {n}" for n in taken} - stored
    assert not lost
    assert len(taken) > BURST // 2
    # Every stored signature's confirmation went out exactly once, however many tasks asked.
    delivered = Counter(m["To"] for m in mail_sink.messages if m["To"] in emails)
    assert len(delivered) == len(stored)
    assert set(delivered.values()) == {1}
    results = Counter(
        (worker_ids[-1], value)
        for worker_ids, value in stack_db.execute(
            "SELECT worker_ids, return_value FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE '%%deliver_mail' AND status = 'SUCCESSFUL' "
            "AND enqueued_at >= %s",
            [since],
        )
    )
    sent_by = Counter({worker: n for (worker, value), n in results.items() if value == "sent"})
    idle = sum(n for (_, value), n in results.items() if value != "sent")
    assert len(sent_by) == 2, results
    assert sum(sent_by.values()) == idle == len(stored)

    refused = Counter(outcome for outcome in outcomes.values() if outcome != "accepted")
    figures.append(
        f"burst: {BURST} signings, {AT_ONCE} at a time, in {elapsed:.1f} s; web.1 killed after "
        f"{KILL_AFTER} answers: {len(taken)} accepted, refused {dict(refused) or 'none'}, "
        f"{len(stored)} stored, {len(lost)} accepted but lost"
    )
    figures.append(
        f"mail: {len(stored)} confirmations, {sum(results.values())} delivery tasks; two "
        f"workers sent {' + '.join(str(n) for n in sorted(sent_by.values()))}, each mail "
        f"exactly once; {idle} tasks found their mail sent or leased and did nothing"
    )
    stack.restart_replica("web", 0)


def test_no_private_link_reaches_any_log(stack, mail_sink):
    tokens = {
        urlsplit(link).path.split("/")[2]
        for message in mail_sink.messages
        for link in links_in(message)
        if "/confirm/" in link or "/manage/" in link
    }
    logs = stack.all_logs()
    assert tokens
    assert not [token for token in tokens if token in logs]
    # They were there to blank: the proxy logged the confirmation requests and their Referer.
    assert '"uri":"/confirm/[private]/"' in stack.logs("proxy")
    assert f'"Referer":["https://{stack.host}/confirm/[private]/"]' in stack.logs("proxy")


def backup_commands(tool: str) -> list[str]:
    """The README's backup and restore commands, as run inside the db container."""
    prefix = "docker compose exec -T db "
    readme = (ROOT / "README.md").read_text()
    lines = [line.strip() for line in readme.splitlines()]
    found = [line.removeprefix(prefix) for line in lines if line.startswith(prefix + tool)]
    assert found, f"README.md has no `{prefix}{tool}` line"
    return found


def count_rows(stack) -> dict[str, int]:
    tables = ("letters_letter", "signatures_signature", "signatures_outgoingmail", "auth_user")
    count = psycopg.sql.SQL("SELECT count(*) FROM {}")
    with psycopg.connect(stack.database_url()) as connection:
        return {
            table: connection.execute(count.format(psycopg.sql.Identifier(table))).fetchone()[0]
            for table in tables
        }


def test_a_backup_restored_into_a_fresh_database_serves_the_same_page(stack, letter, tmp_path):
    visitor = Visitor(stack)
    before = visitor.get(f"/letters/{letter}/")
    rows = count_rows(stack)
    libpq = stack.libpq_env()
    [dump] = backup_commands("pg_dump")
    subprocess.run(["sh", "-c", dump], env=libpq, cwd=tmp_path, check=True)

    # The database is lost: the replicas' health check says so, and the proxy's readiness URL.
    for name in ("worker", "scheduler"):
        stack.stop_service(name)
    psql = ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-c"]
    database = stack.services["db"].environment["POSTGRES_DB"]
    subprocess.run([*psql, f"DROP DATABASE {database} WITH (FORCE)"], env=libpq, check=True)
    assert not stack.healthy(stack.replicas["web"][0])
    assert visitor.get("/healthz").status_code == 503
    for name in ("web", "migrate"):
        stack.stop_service(name)

    # A fresh database, as the postgres image makes on an empty volume, and an empty cache.
    subprocess.run([*psql, f"CREATE DATABASE {database}"], env=libpq, check=True)
    [restore] = backup_commands("pg_restore")
    subprocess.run(["sh", "-c", restore], env=libpq, cwd=tmp_path, check=True)
    flush = ["redis-cli", "-p", str(stack.ports["redis"]), "FLUSHALL"]
    subprocess.run(flush, check=True, capture_output=True)
    for name in ("web", "worker", "scheduler"):
        stack.start_service(name)

    assert count_rows(stack) == rows
    after = visitor.get(f"/letters/{letter}/")
    assert after.status_code == 200
    assert after.content == before.content
    assert after.headers["ETag"] == before.headers["ETag"]
