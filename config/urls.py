from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_page

from letters.sitemaps import sitemaps
from letters.views import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        cache_page(3600)(sitemap),
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("letters.urls")),
    path("", include("signatures.urls")),
]

# A database outage is a 503 ("try again in a minute"), not the 500 page (config/outage.py).
handler500 = "config.outage.server_error"
