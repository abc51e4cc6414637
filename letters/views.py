from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag

from letters.models import Letter, LetterRevision
from letters.pages import letter_context, render_letter_page
from letters.revision_changes import text_changes


def letter_list(request):
    letters = Letter.objects.public()
    return render(request, "letters/letter_list.html", {"letters": letters})


def letter_detail(request, slug):
    """Rendered without the request: no session, no CSRF token, no cookie, so browsers and
    shared caches may keep it."""
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    html, version = render_letter_page(letter)
    response = HttpResponse(html)
    # Shared caches may keep it a minute; browsers revalidate with the ETag every time, so a
    # signer who was just approved sees their name at once (ConditionalGetMiddleware answers
    # 304 when nothing changed).
    response["ETag"] = quote_etag(version)
    patch_cache_control(response, public=True, max_age=0, s_maxage=60, must_revalidate=True)
    return response


@staff_member_required
def letter_preview(request, slug):
    letter = get_object_or_404(Letter, slug=slug)
    context = letter_context(letter) | {"preview": True}
    response = render(request, "letters/letter_detail.html", context)
    patch_cache_control(response, private=True, no_store=True)
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
    }
    response = HttpResponse(render_to_string("letters/letter_revision.html", context))
    patch_cache_control(response, public=True, max_age=60)
    return response
