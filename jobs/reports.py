"""Outcome report jobs: ids in, a service call."""
from dip.modules.outcomes import exports


def build_report(report_id: int) -> None:
    """Build the CSV and XLSX files of ReportRun ``report_id``."""
    exports.build(report_id)
