from redalert.outbox.testing import rejecting_smtp_sink, smtp_down, smtp_sink, webhook_receiver

__all__ = ["rejecting_smtp_sink", "smtp_down", "smtp_sink", "webhook_receiver"]
