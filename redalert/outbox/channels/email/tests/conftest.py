from redalert.outbox.testing import smtp_sink

__all__ = ["smtp_sink"]
