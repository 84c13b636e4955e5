"""Local wall-clock times of many moments at once, for counting per local day, hour and week."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

DAY = 86400


def epoch_seconds(moments: Sequence[datetime]) -> np.ndarray:
    """Seconds since 1970-01-01 UTC of aware datetimes (microseconds kept)."""
    return np.fromiter((m.timestamp() for m in moments), dtype=np.float64, count=len(moments))


def _offset(seconds: int, tz: ZoneInfo) -> float:
    moment = datetime.fromtimestamp(seconds, UTC).astimezone(tz)
    offset = moment.utcoffset()
    return offset.total_seconds() if offset is not None else 0.0


def wall_seconds(
    moments: Sequence[datetime], tz: ZoneInfo, epoch: np.ndarray | None = None
) -> np.ndarray:
    """Local wall-clock time of each moment in `tz`, as seconds since 1970-01-01 00:00 local.

    The UTC offset is looked up once per UTC day; only on a day when it changes (summer
    time starts or ends) is each moment converted on its own. `epoch` may pass the moments'
    `epoch_seconds` when the caller already has them.
    """
    seconds = epoch_seconds(moments) if epoch is None else epoch
    if seconds.size == 0:
        return seconds.copy()
    days = np.floor_divide(seconds, DAY).astype(np.int64)
    unique, inverse = np.unique(days, return_inverse=True)
    starts = np.array([_offset(int(d) * DAY, tz) for d in unique])
    ends = np.array([_offset((int(d) + 1) * DAY, tz) for d in unique])
    offsets = starts[inverse]
    for day in np.nonzero(starts != ends)[0]:
        for row in np.nonzero(inverse == day)[0].tolist():
            offset = moments[row].astimezone(tz).utcoffset()
            offsets[row] = offset.total_seconds() if offset is not None else 0.0
    return seconds + offsets


def naive_seconds(moment: datetime) -> float:
    """A naive (local) datetime as seconds since 1970-01-01 00:00 of the same clock."""
    return (moment.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds()
