"""The digest flow: daily e-mails of digest alerts (historical ones from backfills included)."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.deliver import delivery_markdown
from flows.monitor import deliver_task, run_window


@flow(name="digest", flow_run_name=lambda: f"digest-{run_window()}")
def digest(config_path: str | None = None) -> dict:
    """Send every due alert, digests included: one e-mail per recipient, historical ones apart.

    Args:
        config_path: Configuration file on the worker; empty means CLAIMWATCH_CONFIG or
            ./claimwatch.yaml.
    """
    report = deliver_task(config_path, include_digests=True)
    create_markdown_artifact(key="digest", markdown=delivery_markdown(report),
                             description="Digest e-mails sent by this run")
    return report
