from functools import partial

from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from letters import exports
from letters.language import language_neutral
from letters.lettertext import letter_as_text
from letters.models import Letter, LetterRevision
from letters.pages import (
    EMBED,
    PAGE,
    cached_form,
    card_png,
    embed_html,
    form_version,
    letter_context,
    page_html,
)
from letters.pdf import FORM as PDF
from letters.pdf import pdf_of
from letters.revision_changes import text_changes

# How long shared caches may keep a public form of a letter; browsers revalidate with the ETag
# every time, so a signer who was just approved sees their name at once.
SHARED_MAX_AGE = 60


def letter_list(request):
    letters = Letter.objects.public().with_signatory_counts()
    return render(request, "letters/letter_list.html", {"letters": letters})


def _public(rendered, content_type="text/html; charset=utf-8", filename=None):
    """A response built without the request: no session, no CSRF token, no cookie, so browsers
    and shared caches may keep it."""
    content, version = rendered
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = quote_etag(version)
    patch_cache_control(
        response, public=True, max_age=0, s_maxage=SHARED_MAX_AGE, must_revalidate=True
    )
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _public_form(request, letter, form, render, *args, language_query=""):
    """`_public(cached_form(...), *args)`, except that a reader who holds the current version
    gets its 304 from the letter's row alone: no cache read, no rendering."""
    version = form_version(letter, form, language_query=language_query)
    if (unchanged := _not_modified(request, version, *args)) is not None:
        return unchanged
    return _public(cached_form(letter, form, render, language_query=language_query), *args)


def _not_modified(request, version, *args):
    """The 304 for a reader who holds `version` already (Django's own rules), else None."""
    if "If-None-Match" not in request.headers:
        return None
    placeholder = _public((b"", version), *args)
    answer = get_conditional_response(request, etag=placeholder["ETag"], response=placeholder)
    return None if answer is placeholder else answer


def _public_head(slug):
    """The public letter's head (Letter.objects.public_head), or 404."""
    head = Letter.objects.public_head(slug)
    if head is None:
        raise Http404
    return head


def _public_letter(slug):
    return _public_head(slug).load()


@require_safe
def letter_detail(request, slug):
    query = request.language_query
    render = partial(page_html, language_query=query)
    return _public_form(request, _public_head(slug), PAGE, render, language_query=query)


@require_safe
@language_neutral
def letter_text(request, slug):
    head = _public_head(slug)
    return _public_form(request, head, "txt", letter_as_text, "text/plain; charset=utf-8")


@require_safe
@language_neutral
def letter_pdf(request, slug):
    """The letter as delivered, in its own language whatever the reader's. A large letter's
    is made by the worker (letters/pdf.py): until its first one is ready, a 503 says to come
    back in a minute."""
    head = _public_head(slug)
    pdf = ("application/pdf", f"{slug}.pdf")
    if (unchanged := _not_modified(request, form_version(head, PDF), *pdf)) is not None:
        return unchanged
    letter = head.load()
    made = pdf_of(letter)
    if made is None:
        with translation.override(request.LANGUAGE_CODE):
            response = render(request, "letters/pdf_preparing.html", {"letter": letter}, status=503)
        response["Retry-After"] = "30"
        patch_cache_control(response, no_store=True)
        return response
    return _not_modified(request, made[1], *pdf) or _public(made, *pdf)


@require_safe
@language_neutral
def letter_card(request, slug):
    """The og:image of the letter's page. Its address carries the count (?n=), which only
    makes the networks fetch it anew; the image is always the current one."""
    return _public_form(request, _public_head(slug), "card", card_png, "image/png")


@require_safe
def response_pdf(request, slug):
    """The addressees' response as staff uploaded it (checked as a PDF on upload), sent as a
    PDF and nothing else: production serves no media folder, and a file from the site's own
    address must not be taken for a page."""
    letter = _public_letter(slug)
    if not (letter.is_answered and letter.response_pdf):
        raise Http404
    try:
        file = letter.response_pdf.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        file, content_type="application/pdf", filename=f"{letter.slug}-response.pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{letter.slug}-response.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=0, s_maxage=SHARED_MAX_AGE)
    return response


@require_safe
@language_neutral
def signatories_csv(request, slug):
    return _public_form(
        request,
        _public_head(slug),
        "csv",
        exports.public_csv,
        "text/csv; charset=utf-8",
        f"{slug}-signatories.csv",
    )


@require_safe
@language_neutral
def signatories_json(request, slug):
    head = _public_head(slug)
    response = _public_form(request, head, "json", exports.public_json, "application/json")
    # Researchers' scripts and partner sites read this list from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@xframe_options_exempt
@csp_override(settings.SECURE_CSP | {"frame-ancestors": ["*"]})
def letter_embed(request, slug):
    """The one page partner sites may put in an iframe; every other page refuses framing."""
    query = request.language_query
    render = partial(embed_html, language_query=query)
    return _public_form(request, _public_head(slug), EMBED, render, language_query=query)


# Through the admin site, so a staff member who still owes a second factor sees no drafts.
@admin.site.admin_view
def letter_preview(request, slug):
    letter = get_object_or_404(Letter, slug=slug)
    context = letter_context(letter, language_query=request.language_query) | {
        "preview": True,
        "revisions": list(letter.revisions.all()),
    }
    response = render(request, "letters/letter_detail.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=3600)
    return response


def letter_revision(request, slug, number):
    """The text of one revision, and what changed from the one before. A revision never
    changes once written, so like the letter page it is rendered without the request."""
    revision = get_object_or_404(
        LetterRevision.objects.select_related("letter").filter(letter__in=Letter.objects.public()),
        letter__slug=slug,
        number=number,
    )
    previous = revision.letter.revisions.filter(number=number - 1).first()
    context = {
        "letter": revision.letter,
        "revision": revision,
        "previous": previous,
        "changes": text_changes(previous, revision) if previous else [],
        "language_query": request.language_query,
    }
    response = HttpResponse(render_to_string("letters/letter_revision.html", context))
    patch_cache_control(response, public=True, max_age=60)
    return response
