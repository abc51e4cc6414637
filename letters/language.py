"""The interface language, chosen without a cookie so that public pages stay cacheable:
an explicit `?lang=` from the language switcher wins, then the browser's Accept-Language,
then the site default. Letter text itself is never translated."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

QUERY_PARAMETER = "lang"


def explicit_language(request) -> str | None:
    code = request.GET.get(QUERY_PARAMETER, "")
    return code if code in dict(settings.LANGUAGES) else None


def browser_language(request) -> str:
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = explicit_language(request)
        request.LANGUAGE_CODE = chosen or browser_language(request)
        # Links inside a page keep an explicit choice; a browser's own choice needs no help.
        request.language_query = f"?{QUERY_PARAMETER}={chosen}" if chosen else ""
        with translation.override(request.LANGUAGE_CODE):
            response = self.get_response(request)
        if not chosen:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
