"""An uploaded file kept between two requests: a preview, then the button that confirms it.

The bytes go under MEDIA_ROOT/uploads/, the storage every web server and worker shares (README,
"Running several web servers"), so the confirming request may reach another server than the
preview did. The session would carry them too, but a session is read on every request: two
megabytes decoded for each page the user opens until they confirm. The file's name is a random
token that only the uploader's session holds; a file nobody confirmed goes after a day.
"""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

KEPT_FOR_SECONDS = 24 * 60 * 60
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads"


def upload_keep(raw: bytes) -> str:
    """Keep the bytes; the token that reads them back. Files kept over a day are removed."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    too_old = time.time() - KEPT_FOR_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < too_old:
            path.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    (folder / token).write_bytes(raw)
    return token


def upload_read(token: str) -> bytes | None:
    """The bytes kept under `token`; None when there are none (discarded, or kept too long)."""
    if not TOKEN.fullmatch(token):
        return None
    try:
        return (_folder() / token).read_bytes()
    except FileNotFoundError:
        return None


def upload_discard(token: str) -> None:
    if TOKEN.fullmatch(token):
        (_folder() / token).unlink(missing_ok=True)
