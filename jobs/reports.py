"""Outcome report jobs: ids in, a service call."""


def build_report(report_id: int) -> None:
    """Build the CSV and XLSX files of ReportRun ``report_id``."""
    from dip.modules.outcomes.exports import build

    build(report_id)
