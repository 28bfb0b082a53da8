# thekiz-bot: the ThEKiZ Telegram assistant.
#   docker build -t thekiz-bot .
#   docker run -d --name thekiz-bot --env-file .env -v thekiz-data:/app/data thekiz-bot
# Secrets (TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET) come from the environment at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    THEKIZ_DB=/app/data/thekiz.sqlite3 \
    THEKIZ_KNOWLEDGE_DIR=/app/knowledge \
    TELEGRAM_WEBHOOK_LISTEN=0.0.0.0

WORKDIR /app

RUN groupadd --system --gid 10001 thekiz \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin thekiz \
    && mkdir -p /app/data \
    && chown 10001:10001 /app/data

# Dependencies in their own layer, at the versions pinned in constraints.txt: it is rebuilt only when
# pyproject.toml or constraints.txt change. The runtime list is read from pyproject.toml, the one place
# that declares it.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir -c constraints.txt -r /tmp/requirements.txt setuptools \
    && rm /tmp/requirements.txt

# The code, then the knowledge base last because it changes most often.
COPY README.md LICENSE ./
COPY thekiz_bot ./thekiz_bot
RUN pip install --no-cache-dir --no-deps --no-build-isolation .
COPY bot.py ./
COPY knowledge ./knowledge

USER 10001:10001
# SQLite database (user regions, question log, feedback): keep it across container updates.
VOLUME ["/app/data"]
# Only used in webhook mode (TELEGRAM_WEBHOOK_URL set); polling needs no open port.
EXPOSE 8443

# python-telegram-bot stops cleanly on SIGTERM (docker stop).
CMD ["python", "bot.py", "run"]
