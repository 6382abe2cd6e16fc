"""The email channel: Django's SMTP backend, one connection reused through a round of deliveries."""

from redalert.outbox.channels import register
from redalert.outbox.channels.email.transport import send_email
from redalert.outbox.models import Channel

register(Channel.EMAIL, send_email)
