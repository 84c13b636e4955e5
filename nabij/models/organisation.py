"""The organisation, its teams and the people who work in Nabij."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def default_office_hours() -> dict[str, object]:
    """Monday to Friday 08:30–17:00, closed at weekends (docs/business-hours.md)."""
    day = ["08:30-17:00"]
    weekly = {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": [], "sun": []}
    return {"weekly": weekly, "public_holidays": True}


class Organisation(models.Model):
    """The one public organisation this installation serves (a singleton row)."""

    name = models.CharField(_("naam"), max_length=200, default="Gemeente")
    kind = models.CharField(
        _("soort"),
        max_length=40,
        default="gemeente",
        choices=[
            ("gemeente", _("gemeente")),
            ("provincie", _("provincie")),
            ("waterschap", _("waterschap")),
            ("ministerie", _("ministerie")),
            ("politie", _("politie")),
            ("anders", _("anders")),
        ],
    )
    time_zone = models.CharField(_("tijdzone"), max_length=64, default="Europe/Amsterdam")
    office_hours = models.JSONField(_("openingstijden"), default=default_office_hours)
    closed_dates = models.JSONField(_("extra sluitingsdagen"), default=list, blank=True)
    places = models.JSONField(
        _("plaatsnamen (straat of buurt → wijk)"),
        default=dict,
        blank=True,
        help_text=_('Voor patroondetectie: {"Wiekstraat": "Molenkwartier", "Beekdal": null}'),
    )
    crisis_mode = models.BooleanField(_("crisismodus"), default=False)
    crisis_note = models.CharField(_("toelichting crisis"), max_length=300, blank=True)
    house_rules_url = models.URLField(_("huisregels (URL)"), blank=True)
    privacy_url = models.URLField(_("privacyverklaring (URL)"), blank=True)
    objection_text = models.TextField(
        _("hoe bezwaar maken"),
        blank=True,
        default="U kunt bezwaar maken via het webformulier of per e-mail aan de webcare.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisatie")

    def __str__(self) -> str:
        return self.name

    def office(self) -> Any:
        """The organisation's office hours as a `nabij.businesstime.OfficeHours`."""
        from nabij.businesstime import OfficeHours, OfficeHoursError

        data = dict(self.office_hours or {})
        data.setdefault("timezone", self.time_zone)
        data.setdefault("closed_dates", self.closed_dates or [])
        try:
            return OfficeHours.from_dict(data)
        except (OfficeHoursError, TypeError, ValueError):
            return OfficeHours(timezone=self.time_zone)

    @classmethod
    def current(cls) -> Organisation:
        """The organisation row, created with defaults on first use."""
        org = cls.objects.order_by("pk").first()
        if org is None:
            org = cls.objects.create()
        return org


class Team(models.Model):
    """A team that conversations can be routed to (webcare, wijkbeheer, zorg, …)."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=120)
    description = models.TextField(_("omschrijving"), blank=True)
    email = models.EmailField(_("e-mail voor meldingen"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="nabij_teams", blank=True, verbose_name=_("leden")
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    """Per-user settings: the first name used in signatures, language, default team."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nabij_profile"
    )
    signature_name = models.CharField(_("naam in ondertekening"), max_length=60, blank=True)
    language = models.CharField(_("taal"), max_length=5, default="nl")
    default_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("standaardteam")
    )

    class Meta:
        verbose_name = _("profiel")
        verbose_name_plural = _("profielen")

    def __str__(self) -> str:
        return self.signature_name or str(self.user)
