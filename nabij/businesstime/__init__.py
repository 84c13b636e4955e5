"""Business time: office hours, Dutch public holidays and deadline arithmetic (pure)."""

from nabij.businesstime.arithmetic import (
    NoOpenTimeError,
    add_business_hours,
    business_hours_between,
    deadline_with_pauses,
    is_open,
    next_open,
)
from nabij.businesstime.humanize import (
    OutsideHoursNotice,
    human_day,
    human_deadline,
    outside_hours_notice,
)
from nabij.businesstime.office import (
    OfficeHours,
    OfficeHoursError,
    format_interval,
    parse_interval,
)

__all__ = [
    "NoOpenTimeError",
    "OfficeHours",
    "OfficeHoursError",
    "OutsideHoursNotice",
    "add_business_hours",
    "business_hours_between",
    "deadline_with_pauses",
    "format_interval",
    "human_day",
    "human_deadline",
    "is_open",
    "next_open",
    "outside_hours_notice",
    "parse_interval",
]
