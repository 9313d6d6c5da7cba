"""Background tasks of the printing app, run by `manage.py db_worker` (tests run them at once)."""

from django_tasks import task


@task()
def run_print_job(*, job_id: int) -> None:
    """Render, merge and record one print job; a retried job resumes where it stopped."""
    from .services import print_job_run

    print_job_run(job_id=job_id)
