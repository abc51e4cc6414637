def language(request):
    """The query that keeps an explicit choice of language on the page's own links and forms.
    Pages rendered without the request (letters/pages.py) are given it directly."""
    return {"language_query": getattr(request, "language_query", "")}
