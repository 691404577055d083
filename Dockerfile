# syntax=docker/dockerfile:1
# Acquis in production: `docker compose up` (compose.yaml), or this image alone with the
# environment of docs/deployment.md. Two stages: the build one has uv and the lock file's
# packages; the runtime one only the virtual environment, the code, the static files built
# with hashed names, and the PostgreSQL client for `acquis backup` (pg_dump, pg_restore).

# --- build -------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS build
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never PIP_NO_CACHE_DIR=1
RUN pip install --disable-pip-version-check "uv>=0.5,<1"
WORKDIR /app
# Dependencies first (a layer reused while uv.lock does not change), runtime ones only.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY acquis ./acquis
COPY config ./config
RUN uv sync --frozen --no-dev
# Static files with hashed names, compressed, in the image (served by WhiteNoise with a
# one-year cache). The production settings need their variables even for this step: a
# throw-away key and address, never used at run time.
RUN SECRET_KEY="collectstatic-$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=localhost SITE_URL=https://localhost \
    ACQUIS_VAR_DIR=/tmp/build ACQUIS_STATIC_ROOT=/app/static \
    /app/.venv/bin/acquis collectstatic --no-input -v0

# --- runtime -----------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
# PDFs need no system font: Typst uses the fonts embedded in the `typst` wheel (Libertinus
# Serif, New Computer Modern, DejaVu Sans Mono) and ignores the system's
# (acquis/credentials/documents.py: ignore_system_fonts=True), so every machine prints the
# same bytes.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 acquis \
    && useradd --system --uid 10001 --gid acquis --home-dir /app --no-create-home acquis \
    && mkdir -p /var/lib/acquis/media /var/lib/acquis/keys \
    && chown -R acquis:acquis /var/lib/acquis && chmod 700 /var/lib/acquis/keys
COPY --from=build --chown=root:root /app /app
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.prod \
    ACQUIS_VAR_DIR=/var/lib/acquis \
    ACQUIS_MEDIA_ROOT=/var/lib/acquis/media \
    ACQUIS_STATIC_ROOT=/app/static \
    ACQUIS_PDF_SIGNING_KEY=/var/lib/acquis/keys/pdf-signing-key.pem \
    ACQUIS_PDF_SIGNING_CERT=/var/lib/acquis/keys/pdf-signing-cert.pem \
    ACQUIS_BADGE_KEY_FILE=/var/lib/acquis/keys/badges-ed25519.key \
    ACQUIS_BIND=0.0.0.0:8000
WORKDIR /app
USER acquis
EXPOSE 8000
# Liveness over plain HTTP inside the container (exempt from the HTTPS redirect), with the
# public host name (ALLOWED_HOSTS).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import os, urllib.parse, urllib.request; host = urllib.parse.urlsplit(os.environ['SITE_URL']).netloc; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/sante/', headers={'Host': host}), timeout=4)"]
CMD ["acquis", "serve"]
