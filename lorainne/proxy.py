"""X-Forwarded-Proto believed from our own proxies only.

Django's SECURE_PROXY_SSL_HEADER trusts the header from anyone; a client that reaches gunicorn
directly could claim https (no redirect to HTTPS, https links in cached pages). The header is
dropped unless the peer is in settings.TRUSTED_PROXIES, as gunicorn does for wsgi.url_scheme.
"""

from registration.throttle import is_trusted_proxy


class ForwardedProtoFromTrustedProxiesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)
