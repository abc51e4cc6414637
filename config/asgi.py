import os

from django.core.asgi import get_asgi_application
from django.core.management.base import BaseCommand

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
# As config/wsgi.py: the server refuses to start misconfigured.
BaseCommand().check()
