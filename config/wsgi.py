import os

from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# gunicorn runs no system checks, so a misconfigured server (signatures/checks.py) would start
# and serve; this refuses to, as `manage.py runserver` does. Warnings are printed, not fatal.
BaseCommand().check()
