"""Settings for a real `manage.py db_worker` started by the reliability tests.

The test settings, but with the database task queue that production uses (the tests' own process
runs tasks at once instead). DATABASE_URL names the test database; WEBSTORE_MEDIA_ROOT the
directory the test process reads the PDFs from.
"""

from webstore.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
