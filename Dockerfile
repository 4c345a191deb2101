# Production image: gunicorn serves the portal; the same image runs the worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_PRODUCTION=1 STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media
# fonts-noto-cjk: Chinese glyphs embedded in PDF summaries; Pango/HarfBuzz: WeasyPrint.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY regions ./regions
COPY portal ./portal
COPY metrics ./metrics
COPY reports ./reports
COPY extraction ./extraction
RUN pip install --no-cache-dir .
COPY . .
# collectstatic needs settings but no real secret or database.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0 \
    && (python manage.py compilemessages -v0 || true)
RUN useradd --system --uid 1000 portal && mkdir -p /data/media && chown -R portal /data
USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
