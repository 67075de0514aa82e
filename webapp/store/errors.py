"""The one error type of the store back end; its zh/en messages are in ``webapp.text``.

Services raise ``StoreError``; the API renders it as ``{"error": {"code", "message"}}``
with ``status``, in the language the caller asked for.
"""

from __future__ import annotations

from ..text import translate


class StoreError(Exception):
    """A failure the caller can act on: a stable ``code``, an HTTP ``status``, and params."""

    def __init__(self, code: str, status: int = 400, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.params = params

    def message(self, lang: str = "zh") -> str:
        return translate(self.code, lang, **self.params)

    def __str__(self) -> str:
        return f"{self.code}: {self.message('en')}"
