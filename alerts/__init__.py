"""Alerts: rendering and SMTP delivery of conflicts from the outbox."""

from alerts.delivery import DeliveryReport, deliver_due, message_id_for
from alerts.render import clean_header, render

__all__ = ["DeliveryReport", "clean_header", "deliver_due", "message_id_for", "render"]
