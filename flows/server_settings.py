"""Settings the Prefect server of a claimwatch deployment runs with (environment variables).

deploy/docker-compose.yml sets them on its server, the tests' real server and the
orchestration benchmark use them too, and docs/operations.md explains them.
"""

from __future__ import annotations

# Prefect records each task run from the client's state events. By default its recorder writes
# every event in a transaction of its own: about 30 ms of server CPU per task run measured on
# a 2-core machine, 0.8 s for a monitor pass of 20 sources, taken from the pass when both share
# the machine. Written in batches it costs about 10 ms; the UI shows a task run's newest state
# up to the flush interval (whole seconds) later.
SERVER_ENV = {
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "2",
}
