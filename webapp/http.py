"""The app's request class: uploaded files stay in memory, never in temporary files.

Werkzeug spools uploads over 500 KB to disk; ours are face photos (sensitive personal data),
and MAX_CONTENT_LENGTH already caps a body, so memory is the safer and bounded place.
"""

from __future__ import annotations

import io
from typing import IO

from flask import Request


class InMemoryRequest(Request):
    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()
