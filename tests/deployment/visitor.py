"""A visitor of the site through the proxy, as a browser is one: HTTPS with the site's name
(TLS SNI and Host), cookies, forms submitted with every field they hold (hidden ones, CSRF
tokens, the admin's inline management forms), from a source address of its own, so the proxy
sees each visitor as a different client."""

import ssl
from html.parser import HTMLParser

import httpx


class _SiteTransport(httpx.HTTPTransport):
    """Connects to the proxy's loopback port but speaks to it as to the site's name, which
    nothing here resolves."""

    def __init__(self, host: str, **kwargs):
        super().__init__(**kwargs)
        self.host = host

    def handle_request(self, request):
        request.headers["Host"] = self.host
        request.extensions = request.extensions | {"sni_hostname": self.host}
        return super().handle_request(request)


class Visitor:
    def __init__(self, stack, *, source: str = "127.0.0.1"):
        self.source = source
        self.origin = f"https://{stack.host}"
        tls = ssl.create_default_context(cafile=str(stack.ca_file))
        transport = _SiteTransport(stack.host, verify=tls, local_address=source)
        self.http = httpx.Client(base_url=stack.url, transport=transport, timeout=30)

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post(self, path: str, data, **kwargs) -> httpx.Response:
        return self.http.post(path, data=data, **kwargs)

    def follow(self, response: httpx.Response) -> httpx.Response:
        while response.is_redirect:
            response = self.get(response.headers["Location"])
        return response

    def form(self, response: httpx.Response, *, containing: str) -> "Form":
        """The form on the page with a field named `containing`."""
        parser = _FormParser()
        parser.feed(response.text)
        for form in parser.forms:
            if any(name == containing for name, _ in form.fields):
                form.page = response.request.url.raw_path.decode()
                return form
        raise AssertionError(f"no form with a {containing!r} field on {response.url}")

    def submit(self, form: "Form", *, headers: dict | None = None) -> httpx.Response:
        """Sends what a browser sends, Origin and Referer included (Django's CSRF check over
        HTTPS insists on them)."""
        sent_from = {"Origin": self.origin, "Referer": self.origin + form.page}
        return self.post(
            form.action or form.page, data=form.data(), headers=sent_from | (headers or {})
        )

    def close(self):
        self.http.close()


class Form:
    def __init__(self, action: str, method: str):
        self.action, self.method, self.page = action, method, ""
        self.fields: list[tuple[str, str]] = []
        # Every value each checkbox or radio field offers, ticked or not.
        self.choices: dict[str, list[str]] = {}

    def set(self, **values) -> "Form":
        """Set fields (replacing what the page filled in); True ticks a checkbox, False
        unticks it."""
        for name, value in values.items():
            self.fields = [(n, v) for n, v in self.fields if n != name]
            if value is True:
                self.fields.append((name, "on"))
            elif value is not False:
                self.fields.append((name, str(value)))
        return self

    def add(self, name: str, value: str) -> "Form":
        """One more value for a field, as ticking one more checkbox of a list does."""
        self.fields.append((name, value))
        return self

    def data(self) -> dict[str, list[str]]:
        values = {}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)
        return values


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form = self._select = self._textarea = None
        self._options = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(attrs.get("action", ""), attrs.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif self._form is None or "name" not in attrs or "disabled" in attrs:
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                self._form.choices.setdefault(attrs["name"], []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    self._form.fields.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self._form.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "select":
            self._select, self._options = attrs, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and "multiple" not in self._select:
                chosen = [self._options[0][0]]
            self._form.fields.extend((self._select["name"], value) for value in chosen)
            self._select = None
