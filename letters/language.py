"""The interface language, chosen without a cookie so that public pages stay cacheable:
an explicit `?lang=` from the language switcher wins, then the browser's Accept-Language,
then the site default. Letter text itself is never translated."""

from functools import wraps

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
    for code, quality in parse_accept_lang_header(header):
        if code == "*":
            break
        if quality <= 0:
            # "q=0" is the browser saying "not this one".
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def language_query(code: str | None) -> str:
    """What links on a page append to keep an explicit choice of language."""
    return f"?{QUERY_PARAMETER}={code}" if code else ""


def language_neutral(view):
    """For forms of the letter that carry no interface text (.txt, CSV, JSON): the same bytes
    for every reader, so they neither vary on nor claim a language."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            response = view(request, *args, **kwargs)
        response.language_neutral = True
        return response

    return wrapper


class LanguageMiddleware:
    """Used instead of Django's LocaleMiddleware. Besides the browser's Accept-Language, that
    one lets a reader choose only by a URL prefix (i18n_patterns, which would change every
    public URL people have shared) or by the language cookie that set_language writes. A page
    that depends on a cookie can't be kept by a shared cache, which sees only the URL and the
    headers named in Vary; so the explicit choice here is `?lang=`, part of the URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = explicit_language(request)
        request.LANGUAGE_CODE = chosen or browser_language(request)
        # Links inside a page keep an explicit choice; a browser's own choice needs no help.
        request.language_query = language_query(chosen)
        with translation.override(request.LANGUAGE_CODE):
            response = self.get_response(request)
        if getattr(response, "language_neutral", False):
            return response
        if not chosen:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
