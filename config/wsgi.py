"""WSGI entry point: gunicorn (docker/start.sh), uwsgi, mod_wsgi, waitress or any other server.

Importing it is a production start, whatever the server: it sets DJANGO_PRODUCTION before the
settings load, so a checkout's .env is never read and DEBUG on, or no real secret key in the
environment, refuses to start. `manage.py runserver` loads the settings (with .env) before it
imports this module, so development keeps them.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if not settings.configured:
    # Forced, not a default: a stray DJANGO_PRODUCTION=0 must not reopen the .env.
    os.environ["DJANGO_PRODUCTION"] = "1"
application = get_wsgi_application()
