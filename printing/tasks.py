"""Background tasks of the printing app, run by `manage.py db_worker` (tests run them at once).

The services import this module inside `services._enqueue` (when a job is queued), so this one may
import the services at its top.
"""

from django_tasks import task

from .services import print_job_run


@task()
def run_print_job(*, job_id: int) -> None:
    """Render, merge and record one print job; a retried job resumes where it stopped."""
    print_job_run(job_id=job_id)
