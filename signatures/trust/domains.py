"""What a domain says about who is behind an address: data (the free-mail providers and the
shared hosts, kept by hand; the throwaway-mail services, from the disposable-email-domains
package) and the pure functions that read it. Nothing is looked up on the internet."""

import re
from urllib.parse import urlsplit

from disposable_email_domains import blocklist as DISPOSABLE_MAIL_DOMAINS

# Addresses anyone can open in a minute: they say nothing about who the sender works for.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "rocketmail.com",
        "outlook.com", "hotmail.com", "live.com", "msn.com", "aol.com", "aim.com",
        "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "protonmail.ch",
        "pm.me", "tutanota.com", "tutanota.de", "tuta.io", "mail.com", "email.com",
        "usa.com", "zoho.com", "zohomail.com", "fastmail.com", "fastmail.fm", "hushmail.com",
        "hey.com", "mailfence.com", "posteo.de", "disroot.org", "riseup.net", "web.de",
        "t-online.de", "freenet.de", "laposte.net", "orange.fr", "free.fr", "libero.it",
        "virgilio.it", "qq.com", "163.com", "126.com", "sina.com", "naver.com", "daum.net",
        "rediffmail.com", "mail.ru", "inbox.ru", "list.ru", "bk.ru", "rambler.ru",
        "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net",
        "cox.net", "charter.net", "earthlink.net", "btinternet.com", "sky.com",
        "terra.com.br", "bol.com.br", "uol.com.br", "prodigy.net.mx",
    }
)  # fmt: skip
# Providers that run the same service under many country domains (gmx.de, yahoo.co.uk, …).
FREE_MAIL_FAMILIES = frozenset(
    {"gmx", "yandex", "yahoo", "hotmail", "outlook", "live", "aol", "gmail", "protonmail"}
)

# Hosts on which many unrelated organizations have a page: the domain identifies the host,
# not the organization, so it neither links organizations nor makes two signatures look alike.
SHARED_WEBSITE_HOSTS = frozenset(
    {
        "facebook.com", "fb.com", "instagram.com", "twitter.com", "x.com", "linkedin.com",
        "youtube.com", "tiktok.com", "threads.net", "bsky.app", "mastodon.social",
        "linktr.ee", "sites.google.com", "docs.google.com", "medium.com", "substack.com",
        "github.com", "gitlab.com", "wordpress.com", "blogspot.com", "wixsite.com",
        "squarespace.com", "weebly.com", "tumblr.com", "patreon.com", "meetup.com",
        "eventbrite.com", "gofundme.com", "actionnetwork.org", "change.org",
    }
)  # fmt: skip


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().rstrip(".").lower()


def website_domain(url: str) -> str:
    """The host of a website address, lower case, without `www.` or a port."""
    url = url.strip()
    if not url:
        return ""
    if "//" not in url:
        url = "//" + url
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return host.removeprefix("www.")


def identity_domain(url: str) -> str:
    """The website's domain if it can stand for one organization, else ""."""
    domain = website_domain(url)
    return "" if is_shared_host(domain) else domain


def is_shared_host(domain: str) -> bool:
    # Only the host itself: myorg.wordpress.com does belong to one organization.
    return domain.removeprefix("m.") in SHARED_WEBSITE_HOSTS


def domains_match(first: str, second: str) -> bool:
    """Equal, or one is a subdomain of the other (mail.example.org and example.org)."""
    if not first or not second:
        return False
    return first == second or first.endswith("." + second) or second.endswith("." + first)


def is_free_mail(domain: str) -> bool:
    if domain in FREE_MAIL_DOMAINS:
        return True
    family, _dot, suffix = domain.partition(".")
    # gmx.de, yandex.ru, yahoo.co.uk: a family name followed by a country's suffix only.
    return family in FREE_MAIL_FAMILIES and bool(re.fullmatch(r"[a-z]{2,3}(\.[a-z]{2})?", suffix))


def is_disposable_mail(domain: str) -> bool:
    """A throwaway inbox (mailinator.com, a temp-mail service's own subdomains): whoever
    confirmed from it can be anyone, and is gone tomorrow. Its subdomains count too."""
    labels = domain.split(".")
    # Never the bare suffix: the list names services, not top-level domains.
    return any(
        ".".join(labels[start:]) in DISPOSABLE_MAIL_DOMAINS for start in range(len(labels) - 1)
    )
