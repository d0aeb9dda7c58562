"""The deliver-alerts flow: immediate alerts from the outbox, every few minutes."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.monitor import deliver_task, run_window


@flow(name="deliver-alerts", flow_run_name=lambda: f"deliver-alerts-{run_window()}")
def deliver_alerts(config_path: str | None = None) -> dict:
    """Send the immediate alerts that are due, including those a failed send left behind.

    Args:
        config_path: Configuration file on the worker; empty means CLAIMWATCH_CONFIG or
            ./claimwatch.yaml.
    """
    report = deliver_task(config_path)
    if report["messages"] or report["failures"] or report["gave_up"]:
        create_markdown_artifact(key="deliver-alerts", markdown=delivery_markdown(report),
                                 description="E-mails sent by this run")
    return report


def delivery_markdown(report: dict) -> str:
    lines = [f"E-mails sent: {report['messages']} carrying {report['alerts']} alerts; "
             f"failures: {len(report['failures'])}."]
    lines += [f"- failed: {failure}" for failure in report["failures"]]
    lines += [f"- **gave up**: {notice}" for notice in report.get("gave_up", [])]
    return "\n".join(lines)
