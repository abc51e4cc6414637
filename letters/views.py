from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from letters.models import Letter
from letters.pages import letter_context, render_letter_page


def letter_list(request):
    letters = Letter.objects.public()
    return render(request, "letters/letter_list.html", {"letters": letters})


def letter_detail(request, slug):
    """Rendered without the request: no session, no CSRF token, no cookie, so browsers and
    shared caches may keep it."""
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    response = HttpResponse(render_letter_page(letter))
    patch_cache_control(response, public=True, max_age=60)
    return response


@staff_member_required
def letter_preview(request, slug):
    letter = get_object_or_404(Letter, slug=slug)
    context = letter_context(letter) | {"preview": True}
    response = render(request, "letters/letter_detail.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response
