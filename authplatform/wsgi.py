"""WSGI entry point, used by gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from authplatform.request_body import DrainUnreadBody

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authplatform.settings.local")

# A body the application left unread is read before the answer, so the connection stays
# usable after a refused upload (authplatform/request_body.py).
application = DrainUnreadBody(get_wsgi_application())
