from redalert.outbox.testing import webhook_receiver

__all__ = ["webhook_receiver"]
