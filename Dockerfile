# The LoRAINNe site for production: gunicorn behind a TLS-terminating proxy.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_STATIC_MANIFEST=True

RUN useradd --create-home --uid 1000 lorainne
WORKDIR /app

COPY pyproject.toml README.md ./
RUN pip install .

COPY --chown=lorainne:lorainne . .
# Static files are collected, compressed and fingerprinted at build time; whitenoise serves them.
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --no-input -v0 \
    && mkdir -p /app/media && chown lorainne:lorainne /app/media

USER lorainne
EXPOSE 8000
CMD ["gunicorn", "lorainne.wsgi", "--config", "python:lorainne.gunicorn_conf"]
