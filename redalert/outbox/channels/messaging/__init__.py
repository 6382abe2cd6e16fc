"""The SMS/WhatsApp channel: a reply sent through the Twilio Messages API or the WhatsApp Business Cloud API."""

from redalert.outbox.channels import register
from redalert.outbox.channels.messaging.transport import send_provider_message
from redalert.outbox.models import Channel

register(Channel.MESSAGING, send_provider_message)
