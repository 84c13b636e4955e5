"""Stored runs of signal detection: pages and reports read these instead of recomputing."""

from __future__ import annotations

from django.db import models

# Who asked for a run: the hourly job, a heartbeat week nothing stored covered, the CLI.
SOURCE_PERIODIC = "periodiek"
SOURCE_WEEK = "week"
SOURCE_COMMAND = "opdracht"


class DetectionRun(models.Model):
    """The spikes, patterns and warnings found over one period, as `nabij signals detect`
    prints them, with when the messages were read and how long it took."""

    start = models.DateField()
    end = models.DateField()  # inclusive
    computed_at = models.DateTimeField()  # the moment the messages were read
    seconds = models.FloatField(default=0.0)
    source = models.CharField(max_length=12)
    lexical = models.BooleanField(default=False)  # model-free similarity, no sentence encoder
    result = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["end", "start"], name="detectionrun_period_idx")]

    def __str__(self) -> str:
        return f"{self.start}..{self.end} ({self.source}, {self.computed_at:%Y-%m-%d %H:%M})"
