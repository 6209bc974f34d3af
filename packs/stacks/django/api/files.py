"""The files of the fields of type ``file`` (the views are in api/crud.py; the rules — size, type
checked against the first bytes, generated names — in app/uploads.py, shared with the other back
ends). A row keeps ``{name, type, size, key}`` as JSON in its field's column; the file is on disk
under ``UPLOAD_DIR`` (config/settings.py), and deleting the row removes it."""
from django.conf import settings

from app.uploads import Uploads


def uploads():
    """The store of uploaded files, as the settings say now (UPLOAD_DIR, UPLOAD_MAX_BYTES, UPLOAD_TYPES)."""
    return Uploads(settings.UPLOAD_DIR, settings.UPLOAD_MAX_BYTES, settings.UPLOAD_TYPES)
