"""Nabij's Django models, one module per aggregate."""

from nabij.models.audit import AppendOnlyError, AuditEvent, AuditHead
from nabij.models.channels import Channel, ChannelSecret, InboundPayload
from nabij.models.contacts import Contact, ContactIdentity
from nabij.models.conversations import Conversation, ConversationPresence
from nabij.models.decisions import Decision, ModerationStatement, ProtocolVersion
from nabij.models.detection import DetectionRun
from nabij.models.messages import Attachment, Message, MessageAnalysis
from nabij.models.notifications import Notification
from nabij.models.organisation import AgentProfile, Organisation, Team
from nabij.models.replies import FollowUp, Reply, ReplyTemplate
from nabij.models.settings_models import ApiToken, Topic, WebhookDelivery, WebhookSubscription
from nabij.models.signals import (
    BLOCK_EPOCH,
    BLOCK_GRAINS,
    RESPONSE_BUCKETS,
    DailyStat,
    DecisionBlockStat,
    DecisionStat,
    OwnPostStat,
    Pattern,
    ResponseBlockStat,
    ResponseStat,
    RollupState,
    TopicBlockStat,
    TypeDayStat,
)
from nabij.models.vocab import URGENCY_RANK, Action, MessageType, Urgency

__all__ = [
    "BLOCK_EPOCH",
    "BLOCK_GRAINS",
    "RESPONSE_BUCKETS",
    "URGENCY_RANK",
    "Action",
    "AgentProfile",
    "ApiToken",
    "AppendOnlyError",
    "Attachment",
    "AuditEvent",
    "AuditHead",
    "Channel",
    "ChannelSecret",
    "Contact",
    "ContactIdentity",
    "Conversation",
    "ConversationPresence",
    "DailyStat",
    "Decision",
    "DecisionBlockStat",
    "DecisionStat",
    "DetectionRun",
    "FollowUp",
    "InboundPayload",
    "Message",
    "MessageAnalysis",
    "MessageType",
    "ModerationStatement",
    "Notification",
    "Organisation",
    "OwnPostStat",
    "Pattern",
    "ProtocolVersion",
    "Reply",
    "ReplyTemplate",
    "ResponseBlockStat",
    "ResponseStat",
    "RollupState",
    "Team",
    "Topic",
    "TopicBlockStat",
    "TypeDayStat",
    "Urgency",
    "WebhookDelivery",
    "WebhookSubscription",
]
