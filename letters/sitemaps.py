from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from letters.models import Letter


class LetterSitemap(Sitemap):
    """Public letters, at the address the site is published under (SITE_URL) rather than
    whatever Host the request came in on."""

    changefreq = "daily"

    def items(self):
        return Letter.objects.public().order_by("pk")

    def lastmod(self, letter):
        return letter.updated_at

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


sitemaps = {"letters": LetterSitemap}
