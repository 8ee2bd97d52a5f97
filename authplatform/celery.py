"""The Celery application; tasks are discovered in each app's ``tasks.py``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authplatform.settings.local")
# Torch's OpenMP threads spin while idle; on a small shared machine that starves the other
# processes. It must be set before torch is first imported, which in a worker happens later.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

app = Celery("authplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
