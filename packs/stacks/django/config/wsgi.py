"""The WSGI application, served by ``manage.py runserver`` and by gunicorn (``config.wsgi``)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Refuse to serve with an unsafe configuration (APP_ENV=production without JWT_SECRET, ...).
from api.startup import check_configuration  # noqa: E402

check_configuration()
