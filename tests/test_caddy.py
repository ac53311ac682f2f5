"""The proxy as shipped: Debian's caddy with deploy/Caddyfile in front of gunicorn. The client's
address and scheme reach the app through Caddy; what a client writes in X-Forwarded-* does not.

Caddy (2.5 and later) replaces X-Forwarded-For and X-Forwarded-Proto with what it saw itself,
unless the request comes from a proxy listed in its own trusted_proxies (none here).
"""

import gzip
import http.client
import json
import re
import shutil
import ssl
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db import connection

from tests.http_browser import free_port
from tests.servers import (
    PYTHON,
    REPO,
    postgres_url,
    production_env,
    start_gunicorn,
    stop,
    wait_for_http,
)

CADDY = shutil.which("caddy")
needs_caddy = pytest.mark.skipif(
    CADDY is None,
    reason="Needs Debian's caddy for the proxy tests: apt-get install -y caddy (CI installs it).",
)
CADDYFILE = REPO / "deploy" / "Caddyfile"
CLIENT = "127.0.0.2"  # the visitor: another loopback address than Caddy's and gunicorn's
FORGED = "198.51.100.7"


@needs_caddy
def test_caddyfile_with_env_example_proxies_the_site_host_to_web():
    env = production_env()
    adapted = subprocess.run(
        [CADDY, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env={"PATH": env["PATH"], "SITE_HOST": env["SITE_HOST"]},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert adapted.returncode == 0, adapted.stderr
    (server,) = json.loads(adapted.stdout)["apps"]["http"]["servers"].values()
    (route,) = server["routes"]
    handlers = [handler for inner in route["handle"][0]["routes"] for handler in inner["handle"]]
    assert server["listen"] == [":443"]  # and :80 redirects, by Caddy's automatic HTTPS
    assert route["match"] == [{"host": ["lorainne.example.org"]}]
    assert [handler["handler"] for handler in handlers] == [
        "request_body",
        "encode",
        "reverse_proxy",
    ]
    # Above Django's own limit (a PDF at MATERIAL_MAX_MB and 5 MB), which says it in a page.
    assert handlers[0]["max_size"] == 60_000_000 > (50 + 5) * 1024 * 1024
    assert handlers[2]["upstreams"] == [{"dial": "web:8000"}]


class Visitor:
    """HTTPS to Caddy (its local authority's certificate for 127.0.0.1) or plain HTTP straight
    to gunicorn, from the visitor's own address, with cookies."""

    def __init__(self, root_certificate: Path):
        self.context = ssl.create_default_context(cafile=str(root_certificate))
        self.cookies = SimpleCookie()

    def request(self, port: int, method: str, path: str, *, tls=True, body=None, headers=()):
        if tls:
            conn = http.client.HTTPSConnection(
                "127.0.0.1", port, context=self.context, source_address=(CLIENT, 0), timeout=30
            )
        else:
            conn = http.client.HTTPConnection(
                "127.0.0.1", port, source_address=(CLIENT, 0), timeout=30
            )
        headers = {"Host": f"127.0.0.1:{port}", **dict(headers)}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{port}"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response, content


def wait_for_https(visitor: Visitor, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response, _ = visitor.request(port, "GET", "/healthz")
            if response.status == 200:
                return
        except (OSError, ssl.SSLError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"Caddy did not answer on port {port}")


@needs_caddy
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_caddy_passes_the_client_address_and_https_and_replaces_forged_ones(tmp_path, admin_user):
    if connection.vendor != "postgresql":
        pytest.skip(
            "gunicorn behind Caddy shares the test database: set DATABASE_URL=postgres://… (CI does)."
        )
    call_command("loaddata", "lorainne24", verbosity=0)
    web_port, https_port, http_port = free_port(), free_port(), free_port()
    env = production_env(
        DATABASE_URL=postgres_url(),
        EMAIL_URL="consolemail://",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"https://127.0.0.1:{https_port}",
        DJANGO_STATIC_MANIFEST="False",
        DJANGO_ADMIN_URL="organizers/",
        CACHE_URL="dbcache://django_cache",
        TRUSTED_PROXIES="127.0.0.1",  # Caddy, as 172.30.80.10 is in the compose file
    )
    done = subprocess.run(
        [PYTHON, "manage.py", "createcachetable"], cwd=REPO, env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    # The repository's Caddyfile, with the options a test needs around it: its own ports and
    # storage, its local certificate authority for 127.0.0.1 (not installed in the system).
    caddyfile = tmp_path / "Caddyfile"
    caddyfile.write_text(
        "{\n\tadmin off\n\tdefault_bind 127.0.0.1\n\tskip_install_trust\n"
        f"\thttp_port {http_port}\n\thttps_port {https_port}\n"
        f"\tstorage file_system {tmp_path / 'caddy'}\n}}\nimport {CADDYFILE}\n"
    )
    caddy_env = {
        "PATH": env["PATH"],
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "SITE_HOST": f"https://127.0.0.1:{https_port}",
        "WEB_UPSTREAM": f"127.0.0.1:{web_port}",
    }
    gunicorn = start_gunicorn(env, web_port, workers=1)
    caddy = subprocess.Popen(
        [CADDY, "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
        cwd=tmp_path,
        env=caddy_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_http(web_port)
        root = tmp_path / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        deadline = time.monotonic() + 30
        while not root.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        visitor = Visitor(root)
        wait_for_https(visitor, https_port)
        forged = {"X-Forwarded-For": FORGED, "X-Forwarded-Proto": "http"}

        # Through Caddy the app sees https (no redirect, HSTS), whatever the client claims;
        # the page leaves compressed.
        response, body = visitor.request(
            https_port, "GET", "/program/", headers=forged | {"Accept-Encoding": "gzip"}
        )
        assert response.status == 200
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert response.headers["Content-Encoding"] == "gzip"
        assert "<h1" in gzip.decompress(body).decode()

        # A failed organizer login through Caddy counts against the visitor's own address.
        response, form = visitor.request(https_port, "GET", "/organizers/login/", headers=forged)
        assert response.status == 200
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        response, _ = visitor.request(
            https_port,
            "POST",
            "/organizers/login/",
            body=urlencode(
                {"csrfmiddlewaretoken": token, "username": "admin", "password": "wrong"}
            ),
            headers=forged,
        )
        assert response.status == 200  # the form again, with its error
        assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [CLIENT]

        # Straight to gunicorn, a claimed https is not believed: redirected to HTTPS.
        response, _ = visitor.request(
            web_port,
            "GET",
            "/program/",
            tls=False,
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"},
        )
        assert response.status == 301
        assert response.headers["Location"] == f"https://127.0.0.1:{web_port}/program/"
    finally:
        stop(caddy, gunicorn)
        # Shown by pytest when the test failed: what Caddy and gunicorn logged.
        for process in (caddy, gunicorn):
            with process.stderr:
                print(process.stderr.read().decode("utf-8", "replace")[-3000:])
