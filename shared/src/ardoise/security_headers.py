"""The usual security headers on every HTTP answer, each only where the app has not set its own.

A plain ASGI middleware: it adds headers to the start of a response and passes every body chunk
through as it comes, so a streamed download (an XLSX, a ZIP of archives) is never buffered.
`install_security_headers(app)` for a JSON gateway; the web pages pass their own CSP (`PAGES_CSP`).
Strict-Transport-Security is sent on plain HTTP too: browsers heed it only over HTTPS.
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

GATEWAY_CSP = "default-src 'none'; frame-ancestors 'none'"
"""A JSON API loads nothing and is framed by no one."""
PAGES_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
             "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
"""The web pages: their own stylesheet and scripts (htmx, print.js), nothing inline."""
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
"""FastAPI's documentation pages (Swagger UI loads its script from a CDN and runs an inline
one): no CSP there; every other header still."""
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


class SecurityHeaders:
    """`cacheable`: path prefixes whose answers may be cached (static files); every other
    answer is `Cache-Control: no-store` unless the app chose its own Cache-Control."""

    def __init__(self, app: ASGIApp, csp: str = GATEWAY_CSP,
                 cacheable: tuple[str, ...] = ()) -> None:
        self.app, self.csp, self.cacheable = app, csp, cacheable
        self.headers = list(HEADERS.items())

    def added(self, path: str) -> list[tuple[str, str]]:
        headers = list(self.headers)
        if path not in DOCS_PATHS:
            headers.append(("Content-Security-Policy", self.csp))
        if not (self.cacheable and path.startswith(self.cacheable)):
            headers.append(("Cache-Control", "no-store"))
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = self.added(scope["path"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in added:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


def install_security_headers(app, csp: str = GATEWAY_CSP, cacheable: tuple[str, ...] = ()) -> None:
    """Added last, so outermost: the refusals of the other middlewares carry the headers too."""
    app.add_middleware(SecurityHeaders, csp=csp, cacheable=cacheable)
