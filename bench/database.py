"""The benchmarks' own PostgreSQL databases (127.0.0.1:5432, user postgres): each run creates
its database afresh and drops it after, also on failure."""

import os
import secrets

import psycopg2
from psycopg2 import sql

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def connect():
    """A connection to the server's `postgres` database, outside any transaction."""
    conn = psycopg2.connect(dbname="postgres", **POSTGRES)
    conn.autocommit = True
    return conn


def _run(statement: sql.Composable) -> None:
    conn = connect()
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
    finally:
        conn.close()


def recreate(name: str) -> None:
    drop(name)
    _run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(name: str) -> None:
    _run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def url(name: str) -> str:
    """DATABASE_URL of the database `name`."""
    return f"postgres://{POSTGRES['user']}@{POSTGRES['host']}:{POSTGRES['port']}/{name}"


def configure(name: str, **environment: str) -> None:
    """This process runs Django as production would, on the bench database `name`: the
    environment's DJANGO_*, DATABASE_URL and CACHE_URL are replaced, before Django is set up;
    `environment` adds to it (CACHE_URL="dbcache://django_cache", production's shared cache)."""
    for key in [key for key in os.environ if key.startswith(("DJANGO_", "DATABASE_URL", "CACHE"))]:
        del os.environ[key]
    os.environ.update(
        **environment,
        DJANGO_SETTINGS_MODULE="lorainne.settings",
        DATABASE_URL=url(name),
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="False",
        DJANGO_SECURE_COOKIES="False",
        DJANGO_LOG_LEVEL="WARNING",
        EMAIL_URL="dummymail://",
    )
