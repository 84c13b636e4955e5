"""Roll-ups for dashboards (filled incrementally) and the patterns webcare tracks."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

# Upper bounds (minutes) of the response-time histogram buckets; the last is open-ended.
RESPONSE_BUCKETS = (15, 30, 60, 120, 240, 480, 1440, 2880, 4320, 7200, 10080)
# Lengths in days of the dashboard blocks, longest first. Each is a whole number of the next
# and blocks start on Mondays counted from BLOCK_EPOCH, so a 28-day block is four weeks and
# any period is a few blocks of each length (nabij/actions/rollups.py, `cover`).
BLOCK_GRAINS = (28, 7, 1)
BLOCK_EPOCH = date(2001, 1, 1)  # a Monday


class DailyStat(models.Model):
    """Inbound messages of one day, per channel, type and topic, with their tone."""

    day = models.DateField()
    channel = models.CharField(max_length=60)
    type = models.CharField(max_length=20)
    topic = models.CharField(max_length=60)
    messages = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    sentiment_sum = models.FloatField(default=0.0)
    toxic = models.PositiveIntegerField(default=0)
    angry = models.PositiveIntegerField(default=0)
    frustrated = models.PositiveIntegerField(default=0)
    sad = models.PositiveIntegerField(default=0)
    afraid = models.PositiveIntegerField(default=0)
    tired = models.PositiveIntegerField(default=0)
    new_authors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "channel", "type", "topic"], name="dailystat_unique"
            )
        ]
        indexes = [
            models.Index(fields=["day"], name="dailystat_day_idx"),
            models.Index(fields=["topic", "day"], name="dailystat_topic_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}/{self.type}/{self.topic}: {self.messages}"


class ResponseStat(models.Model):
    """Conversations started on a day, per channel and type: replies and response times."""

    day = models.DateField()
    channel = models.CharField(max_length=60)
    type = models.CharField(max_length=20)
    conversations = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    within_deadline = models.PositiveIntegerField(default=0)
    with_deadline = models.PositiveIntegerField(default=0)
    histogram = models.JSONField(default=list)  # counts per RESPONSE_BUCKETS (+1 open-ended)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "channel", "type"], name="responsestat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}/{self.type}: {self.replied}/{self.conversations}"


class DecisionStat(models.Model):
    """Final decisions about the messages of one day, per action and reason."""

    day = models.DateField()
    channel = models.CharField(max_length=60)
    action = models.CharField(max_length=30)
    reason_code = models.CharField(max_length=60)
    state = models.CharField(max_length=12)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "channel", "action", "reason_code", "state"],
                name="decisionstat_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.action}/{self.reason_code}: {self.count}"


class OwnPostStat(models.Model):
    """The organisation's own posts per channel and day, with the reactions they drew."""

    day = models.DateField()
    channel = models.CharField(max_length=60)
    posts = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=40, default="import")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "channel", "source"], name="ownpost_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}: {self.posts} posts"


class TypeDayStat(models.Model):
    """Inbound messages of one day per channel and type: DailyStat without the topic."""

    day = models.DateField()
    channel = models.CharField(max_length=60)
    type = models.CharField(max_length=20)
    messages = models.PositiveIntegerField(default=0)
    sentiment_sum = models.FloatField(default=0.0)
    negative = models.PositiveIntegerField(default=0)
    toxic = models.PositiveIntegerField(default=0)
    angry = models.PositiveIntegerField(default=0)
    frustrated = models.PositiveIntegerField(default=0)
    tired = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "channel", "type"], name="typedaystat_unique")
        ]
        indexes = [models.Index(fields=["channel", "day"], name="typedaystat_channel_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}/{self.type}: {self.messages}"


class BlockStat(models.Model):
    """Totals over `grain` days from `start` (a block of BLOCK_GRAINS), per channel."""

    grain = models.PositiveSmallIntegerField()
    start = models.DateField()
    channel = models.CharField(max_length=60)

    class Meta:
        abstract = True


class TopicBlockStat(BlockStat):
    """Inbound messages of a block per channel and topic, with how many were negative."""

    topic = models.CharField(max_length=60)
    messages = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "start", "channel", "topic"], name="topicblock_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}+{self.grain} {self.channel}/{self.topic}: {self.messages}"


class ResponseBlockStat(BlockStat):
    """ResponseStat summed over a block, with the histogram as columns SQL can add up."""

    type = models.CharField(max_length=20)
    conversations = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    within_deadline = models.PositiveIntegerField(default=0)
    with_deadline = models.PositiveIntegerField(default=0)
    # First replies per RESPONSE_BUCKETS bucket: h00 up to 15 minutes ... h11 over 7 days.
    h00 = models.PositiveIntegerField(default=0)
    h01 = models.PositiveIntegerField(default=0)
    h02 = models.PositiveIntegerField(default=0)
    h03 = models.PositiveIntegerField(default=0)
    h04 = models.PositiveIntegerField(default=0)
    h05 = models.PositiveIntegerField(default=0)
    h06 = models.PositiveIntegerField(default=0)
    h07 = models.PositiveIntegerField(default=0)
    h08 = models.PositiveIntegerField(default=0)
    h09 = models.PositiveIntegerField(default=0)
    h10 = models.PositiveIntegerField(default=0)
    h11 = models.PositiveIntegerField(default=0)

    HISTOGRAM = tuple(f"h{i:02d}" for i in range(len(RESPONSE_BUCKETS) + 1))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "start", "channel", "type"], name="responseblock_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}+{self.grain} {self.channel}/{self.type}: {self.conversations}"


class DecisionBlockStat(BlockStat):
    """Decisions about the messages of a block per channel, action and reason (any state)."""

    action = models.CharField(max_length=30)
    reason_code = models.CharField(max_length=60)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "start", "channel", "action", "reason_code"],
                name="decisionblock_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}+{self.grain} {self.action}/{self.reason_code}: {self.count}"


class RollupState(models.Model):
    """How far the incremental roll-up got (ids already counted).

    `version` goes up whenever roll-up rows change; cached dashboards are keyed by it.
    """

    name = models.CharField(max_length=40, unique=True)
    last_message_id = models.BigIntegerField(default=0)
    last_decision_id = models.BigIntegerField(default=0)
    last_analysis_id = models.BigIntegerField(default=0)
    version = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Pattern(models.Model):
    """Similar reports that became a pattern: owned, tracked, and answered for."""

    class Status(models.TextChoices):
        NIEUW = "nieuw", _("nieuw")
        ERKEND = "erkend", _("erkend")
        GEESCALEERD = "geescaleerd", _("geëscaleerd")
        OPGELOST = "opgelost", _("opgelost")

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, default="pattern")
    title = models.CharField(_("titel"), max_length=300)
    topic = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NIEUW)
    owner = models.ForeignKey(
        "nabij.Team", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("eigenaar")
    )
    what_we_did = models.TextField(_("wat we deden"), blank=True)
    share_with_residents = models.BooleanField(_("delen met inwoners"), default=False)
    score = models.FloatField(default=0.0)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    trend = models.JSONField(default=list)
    explanation = models.JSONField(default=dict)
    members = models.ManyToManyField("nabij.Message", related_name="patterns", blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("patroon")
        verbose_name_plural = _("patronen")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.title
