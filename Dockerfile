# syntax=docker/dockerfile:1
#
# Two images from one file:
#   docker build --target chain .   the local Ethereum node (ganache, pinned in package-lock.json)
#   docker build .                  the Django app (web, worker, beat, migrate), the last stage
# docker-compose.yml builds both.

# ---------------------------------------------------------------------------------------
# chain: ganache installed from the project's lock, run as the image's `node` user.
FROM node:20-bookworm-slim AS chain
WORKDIR /opt/chain
COPY package.json package-lock.json .npmrc ./
RUN npm ci && npm cache clean --force
# The named volume mounted here starts out with this ownership.
RUN mkdir -p /data/chain && chown node:node /data/chain
USER node
EXPOSE 8545
ENTRYPOINT ["/opt/chain/node_modules/.bin/ganache"]

# ---------------------------------------------------------------------------------------
# builder: the runtime dependencies (not the dev extras), pinned by constraints.txt.
FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /build
COPY pyproject.toml constraints.txt ./
# Only these two files feed this layer, so code changes do not reinstall dependencies.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && /opt/venv/bin/pip install -c constraints.txt -r requirements.txt

# ---------------------------------------------------------------------------------------
# app: source in /app (read-only to the app user), writable state in /app/var.
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=authplatform.settings.production

# The app's Debian packages (tesseract for serial codes, Pango and fonts for the PDF, libheif),
# from the same list `make run` and `make test` install from.
COPY scripts/system-packages.sh scripts/system-packages.txt /tmp/system-packages/
RUN sh /tmp/system-packages/system-packages.sh app \
    && rm -rf /var/lib/apt/lists/* /tmp/system-packages

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY . .

# Static files are collected into the image (served by WhiteNoise). Production settings
# refuse to load without their secrets, so this one step gets throwaway values that
# exist only for this RUN and are not kept in the image.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    CELERY_BROKER_URL=memory:// \
    ETH_RPC_URL=http://127.0.0.1:8545 \
    EMAIL_URL=consolemail:// \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

# var/ itself (beat schedule) and var/media (uploads; a named volume in compose) belong to
# the app user; the collected static files stay root-owned.
RUN mkdir -p /app/var/media \
    && chown app:app /app/var /app/var/media

USER app
EXPOSE 8000
CMD ["gunicorn", "authplatform.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--keep-alive", "5", "--access-logfile", "-", "--graceful-timeout", "5", "--no-control-socket"]
