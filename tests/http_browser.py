"""Just enough of a browser behind a TLS proxy, over plain HTTP to gunicorn: cookies, the https
scheme (X-Forwarded-Proto), Origin and Referer on form posts; and a free port and a health probe
to start gunicorn with. Used by the production smoke test and by `make bench`."""

import http.client
import socket
from http.cookies import SimpleCookie


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int, path: str = "/healthz", *, timeout: float = 5) -> bool:
    """Whether a GET of `path` on the local `port` gets a 200 (False while nothing listens)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"})
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


class Browser:
    def __init__(
        self,
        port: int,
        *,
        user_agent: str = "lorainne-tests",
        timeout: float = 30,
        forwarded_for: str | None = None,
    ):
        """`forwarded_for`: the address the TLS proxy saw this browser come from (X-Forwarded-For,
        as deploy/Caddyfile writes it; the site believes it from TRUSTED_PROXIES only)."""
        self.port = port
        self.cookies = SimpleCookie()
        self.origin = f"https://127.0.0.1:{port}"
        self.user_agent = user_agent
        self.timeout = timeout
        self.forwarded_for = forwarded_for

    def request(self, method: str, path: str, body: str | None = None):
        """One request on a new connection, closed after the answer.

        Returns the response (its status and headers) and its body as text.
        """
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": self.user_agent,
        }
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response, content
