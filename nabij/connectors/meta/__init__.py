"""Meta channels: Facebook pages (comments and Messenger), Instagram, WhatsApp Cloud API."""

from nabij.connectors.meta.facebook import FacebookConnector
from nabij.connectors.meta.instagram import InstagramConnector
from nabij.connectors.meta.whatsapp import WhatsAppConnector

__all__ = ["FacebookConnector", "InstagramConnector", "WhatsAppConnector"]
