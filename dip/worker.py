"""The RQ worker: every job runs inside an application context (the Redash pattern)."""
from rq.job import Job

_app = None


def set_app(app) -> None:
    """Give jobs the application they run in (called by ``flask dip worker`` and tests)."""
    global _app
    _app = app


class AppJob(Job):
    """An RQ job that performs inside the Flask application context."""

    def perform(self):
        """Run the job with an app context, building the app if this process has none."""
        global _app
        if _app is None:
            from dip import create_app

            _app = create_app()
        with _app.app_context():
            return super().perform()
