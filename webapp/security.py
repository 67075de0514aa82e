"""Response headers every page and API answer carries, and links built from the public URL.

The Content-Security-Policy allows no inline script: page data travels in JSON blocks, and the
one import map (not code) carries a per-request nonce.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request, url_for

# the WeChat mini-program web-view shows pages top-level, so it needs no frame-ancestors entry;
# STORELENS_FRAME_ANCESTORS adds hosts allowed to embed the chat widget in an iframe
DEFAULT_FRAME_ANCESTORS = "'self'"


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def public_url(endpoint: str, **values: object) -> str:
    """An absolute link for sharing (QR codes, SMS, chat), from PUBLIC_URL, never the request's Host."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


def _headers(response: Response) -> Response:
    ancestors = current_app.config.get("FRAME_ANCESTORS") or DEFAULT_FRAME_ANCESTORS
    script = "'self'" + (f" 'nonce-{g.csp_nonce}'" if "csp_nonce" in g else "")
    # the live makeup page only: the on-device face mesh's WebAssembly glue (Emscripten embind)
    # builds its call wrappers with `new Function`; inline script stays forbidden there too
    if request.endpoint == "makeup.page":
        script += " 'unsafe-eval'"
    response.headers.setdefault(
        "Content-Security-Policy",
        "; ".join(
            (
                "default-src 'self'",
                f"script-src {script} 'wasm-unsafe-eval'",
                "style-src 'self' 'unsafe-inline'",  # model-viewer's shadow DOM and colour chips set styles inline
                "img-src 'self' data: blob:",
                "media-src 'self' blob:",
                "connect-src 'self' blob: data:",
                "worker-src 'self' blob:",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                f"frame-ancestors {ancestors}",
            )
        ),
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=(self), payment=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    if not app.config.get("SECRET_KEY") and not app.testing:
        raise RuntimeError("STORELENS_SECRET_KEY is not set: `make run` writes one to instance/storelens.env")
    app.after_request(_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
