"""The files of the fields of type ``file``, on disk under ``UPLOAD_DIR`` (default ``uploads/``).

A file is sent as the raw body of ``PUT <route>/{id}/<field>`` with its ``Content-Type`` (and,
optionally, its name in ``X-Filename``, percent-encoded UTF-8). It must be at most
``UPLOAD_MAX_BYTES`` (413 otherwise) and of one of ``UPLOAD_TYPES`` (415 otherwise), which its
first bytes must confirm: a file is never taken for what it only claims to be. Files are stored
under generated names (``<table>/<random>.<ext>``), never the client's; the row keeps
``{name, type, size}`` and answers them with the file's ``url``.
"""
import os
import re
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import quote, unquote

from .problems import ApiError, bad_request

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TYPES = ("image/png", "image/jpeg", "image/webp", "application/pdf")
EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
}
_KEY = re.compile(r"[a-z0-9_]+/[0-9a-f]{32}\.[a-z]+")


def upload_settings(env, base_dir):
    """``UPLOAD_DIR`` (else ``$DATA_DIR/uploads``, else ``uploads/`` in ``base_dir``),
    ``UPLOAD_MAX_BYTES`` and ``UPLOAD_TYPES`` (comma-separated) from the environment ``env``."""
    if env.get("UPLOAD_DIR"):
        directory = env["UPLOAD_DIR"]
    else:
        directory = str(Path(env["DATA_DIR"]) / "uploads" if env.get("DATA_DIR") else Path(base_dir) / "uploads")
    max_bytes = env.get("UPLOAD_MAX_BYTES", "")
    if max_bytes and not max_bytes.isdigit():
        raise RuntimeError(f"UPLOAD_MAX_BYTES must be a number of bytes, not {max_bytes!r}")
    types = tuple(t.strip().lower() for t in env.get("UPLOAD_TYPES", "").split(",") if t.strip())
    return {
        "UPLOAD_DIR": directory,
        "UPLOAD_MAX_BYTES": int(max_bytes) if max_bytes else DEFAULT_MAX_BYTES,
        "UPLOAD_TYPES": types or DEFAULT_TYPES,
    }


def sniff(data):
    """The media type that the first bytes of ``data`` show, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def clean_name(header, fallback):
    """The file's name from ``X-Filename``: its last path segment, without control
    characters, at most 255 characters; ``fallback`` when there is none."""
    name = unquote(header or "", errors="replace").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    return name[:255] or fallback


def content_disposition(name):
    """``inline`` with the file's name (an ASCII fallback and the UTF-8 name, RFC 6266)."""
    fallback = "".join(char if 32 <= ord(char) < 127 and char not in '"\\' else "_" for char in name)
    return f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


class Uploads:
    def __init__(self, directory, max_bytes=DEFAULT_MAX_BYTES, types=DEFAULT_TYPES):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.types = tuple(types)

    def too_large(self):
        return ApiError(413, f"A file must be at most {self.max_bytes} bytes")

    def check(self, data, content_type):
        """The media type of an upload; 413, 415 or 400 when it cannot be stored."""
        if len(data) > self.max_bytes:
            raise self.too_large()
        declared = (content_type or "").split(";")[0].strip().lower()
        if declared not in self.types:
            raise ApiError(415, f"Files must be one of: {', '.join(self.types)}")
        if not data:
            raise bad_request("The file is empty")
        if sniff(data) != declared:
            raise ApiError(415, f"The file's content is not {declared}")
        return declared

    @staticmethod
    def name(header, stem, media_type):
        """The name to keep: ``X-Filename``'s, or ``<stem>.<ext>``."""
        return clean_name(header, f"{stem}{EXTENSIONS.get(media_type, '')}")

    def save(self, resource, data, media_type, name):
        """Writes the file under a new generated name; returns what the row keeps."""
        key = f"{resource.table}/{secrets.token_hex(16)}{EXTENSIONS.get(media_type, '.bin')}"
        path = self.directory / key
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        os.replace(partial, path)
        return {"name": name, "type": media_type, "size": len(data), "key": key}

    def _path(self, meta):
        if not _KEY.fullmatch(meta.get("key", "")):
            raise ValueError(f"not a stored file's key: {meta.get('key')!r}")
        return self.directory / meta["key"]

    def read(self, meta):
        return self._path(meta).read_bytes()

    @staticmethod
    def headers(meta):
        """The response headers of a stored file."""
        return {
            "Content-Type": meta["type"],
            "Content-Disposition": content_disposition(meta["name"]),
            "X-Content-Type-Options": "nosniff",
        }

    def remove(self, meta):
        """Deletes a stored file (already gone: nothing to do)."""
        try:
            self._path(meta).unlink()
        except FileNotFoundError:
            pass
