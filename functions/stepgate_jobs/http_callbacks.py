"""POSTs callbacks over HTTPS with the standard library; redirects are not followed."""

from __future__ import annotations

import urllib.error
import urllib.request

# Short: the ASL retries with backoff, and a slow receiver must not hold the Lambda for long.
TIMEOUT_SECONDS = 5


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead the signed event to a host the client never named.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class HttpWebhookSender:
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int | None:
        request = urllib.request.Request(url, data=body, headers={**headers, "user-agent": "Stepgate-Webhooks/1"},
                                         method="POST")
        try:
            with _opener.open(request, timeout=TIMEOUT_SECONDS) as reply:
                return reply.status
        except urllib.error.HTTPError as reply:
            return reply.code
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError):
            return None
