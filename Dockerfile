# The LoRAINNe site for production: gunicorn behind a TLS-terminating proxy.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_STATIC_MANIFEST=True

# The PDFs of name badges and sign-in sheets (registration/documents.py): WeasyPrint's libraries
# (Pango, HarfBuzz) and the fonts it embeds, Latin and Cyrillic, Arabic, Chinese/Japanese/Korean.
# fontconfig builds the font cache here, once, instead of at each worker's first PDF. gettext
# compiles the French catalogue (locale/) below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
        fonts-dejavu-core fonts-noto-core fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 lorainne
WORKDIR /app

COPY pyproject.toml README.md ./
# With the s3 extra: uploads go to a bucket once AWS_STORAGE_BUCKET_NAME is set (.env.example).
RUN pip install ".[s3]"

COPY --chown=lorainne:lorainne . .
# Static files are collected, compressed and fingerprinted at build time; whitenoise serves them.
# The translations are compiled here too (the .mo files are not committed).
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --no-input -v0 \
    && DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore '.*' -v0 \
    && mkdir -p /app/media && chown lorainne:lorainne /app/media

USER lorainne
EXPOSE 8000
CMD ["gunicorn", "lorainne.wsgi", "--config", "python:lorainne.gunicorn_conf"]
