"""The public web form at /formulier/: no login, Dutch and English, honeypot, rate limit."""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from nabij.actions.errors import ActionError
from nabij.actions.webform import (
    MAX_TEXT,
    WebformSubmission,
    check_rate_limit,
    check_submission,
    do_submit_webform,
)

HONEYPOT = "website"
SIGNING_SALT = "nabij.webform.reference"

# The public form has its own bilingual texts so that it reads well without a catalogue.
TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Stuur ons een bericht",
        "intro": "Heeft u een vraag, melding of klacht? Schrijf het hieronder. "
        "Velden met (verplicht) moeten worden ingevuld.",
        "text": "Uw bericht (verplicht)",
        "text_hint": f"Maximaal {MAX_TEXT} tekens. Zet hier geen BSN of bankgegevens in.",
        "contact": "Contactgegevens (niet verplicht)",
        "contact_hint": "Laat een e-mailadres of telefoonnummer achter als u antwoord wilt.",
        "name": "Naam",
        "email": "E-mailadres",
        "phone": "Telefoonnummer",
        "honeypot": "Laat dit veld leeg",
        "privacy_title": "Privacy",
        "privacy": "Wij gebruiken uw bericht en contactgegevens alleen om uw bericht te "
        "behandelen en u te antwoorden. Medewerkers van de webcare zien uw bericht. "
        "Wij bewaren het niet langer dan nodig en delen het niet met anderen, tenzij "
        "dat nodig is om uw vraag te beantwoorden.",
        "submit": "Bericht versturen",
        "errors_title": "Er ging iets mis. Controleer:",
        "text_required": "Vul uw bericht in.",
        "text_too_long": f"Uw bericht is langer dan {MAX_TEXT} tekens.",
        "name_too_long": "De naam is te lang.",
        "email_invalid": "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.",
        "phone_invalid": "Vul een geldig telefoonnummer in, bijvoorbeeld 06 12345678.",
        "rate_limited": "U heeft in korte tijd veel berichten gestuurd. "
        "Probeer het over tien minuten opnieuw.",
        "done_title": "Bedankt voor uw bericht",
        "done_reference": "Uw referentie is",
        "done_text": "Bewaar deze referentie. Noem hem als u contact met ons opneemt "
        "over dit bericht.",
        "done_plain": "Wij hebben uw bericht ontvangen.",
        "again": "Nog een bericht sturen",
    },
    "en": {
        "title": "Send us a message",
        "intro": "Do you have a question, report or complaint? Write it below. "
        "Fields marked (required) must be filled in.",
        "text": "Your message (required)",
        "text_hint": f"At most {MAX_TEXT} characters. Do not include your citizen "
        "service number or bank details.",
        "contact": "Contact details (optional)",
        "contact_hint": "Leave an e-mail address or phone number if you would like a reply.",
        "name": "Name",
        "email": "E-mail address",
        "phone": "Phone number",
        "honeypot": "Leave this field empty",
        "privacy_title": "Privacy",
        "privacy": "We use your message and contact details only to handle your message "
        "and to reply to you. Our webcare staff see your message. We keep it no longer "
        "than necessary and do not share it with others unless that is needed to "
        "answer your question.",
        "submit": "Send message",
        "errors_title": "Something went wrong. Please check:",
        "text_required": "Please write your message.",
        "text_too_long": f"Your message is longer than {MAX_TEXT} characters.",
        "name_too_long": "The name is too long.",
        "email_invalid": "Enter a valid e-mail address, for example name@example.com.",
        "phone_invalid": "Enter a valid phone number, for example +31 6 12345678.",
        "rate_limited": "You have sent many messages in a short time. "
        "Please try again in ten minutes.",
        "done_title": "Thank you for your message",
        "done_reference": "Your reference is",
        "done_text": "Keep this reference and mention it when you contact us about this message.",
        "done_plain": "We have received your message.",
        "again": "Send another message",
    },
}
FIELD_OF_ERROR = {
    "text_required": "text",
    "text_too_long": "text",
    "name_too_long": "name",
    "email_invalid": "email",
    "phone_invalid": "phone",
}


def _texts(request: HttpRequest) -> tuple[str, dict[str, str]]:
    language = "en" if getattr(request, "LANGUAGE_CODE", "nl").startswith("en") else "nl"
    return language, TEXTS[language]


def _client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forwarded-for header is chosen by the client and would let a
    # bot pick a fresh identity per request. Behind a proxy, set REMOTE_ADDR there.
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _render(request: HttpRequest, values: dict[str, str], errors: list[str], status: int = 200):
    language, texts = _texts(request)
    context = {
        "t": texts,
        "language": language,
        "values": values,
        "errors": [(FIELD_OF_ERROR.get(e, "text"), texts.get(e, e)) for e in errors],
        "error_fields": {FIELD_OF_ERROR.get(e, "text") for e in errors},
        "honeypot": HONEYPOT,
        "max_text": MAX_TEXT,
    }
    return render(request, "nabij/channels_webform.html", context, status=status)


@require_http_methods(["GET", "POST"])
def webform(request: HttpRequest) -> HttpResponse:
    """Show the form, or store a submission and redirect to the confirmation."""
    if request.method == "GET":
        return _render(request, {}, [])
    values = {
        k: str(request.POST.get(k, ""))[: MAX_TEXT + 1] for k in ("text", "name", "email", "phone")
    }
    values = {k: v.replace("\x00", "") for k, v in values.items()}
    if request.POST.get(HONEYPOT):
        return redirect("webform_done")  # a bot: look successful, store nothing
    if not check_rate_limit(_client_address(request)):
        return _render(request, values, ["rate_limited"], status=429)
    language, _ = _texts(request)
    submission = WebformSubmission(
        text=values["text"],
        name=values["name"].strip(),
        email=values["email"].strip(),
        phone=values["phone"].strip(),
        language=language,
    )
    problems = check_submission(submission)
    if problems:
        return _render(request, values, problems, status=400)
    try:
        with transaction.atomic():
            reference = do_submit_webform(submission)
    except ActionError as exc:
        return _render(request, values, str(exc).split(", "), status=400)
    token = signing.dumps(reference, salt=SIGNING_SALT)
    return redirect(f"{reverse('webform_done')}?r={token}")


def webform_done(request: HttpRequest) -> HttpResponse:
    """The confirmation with the reference (signed, so nobody can show a made-up one)."""
    language, texts = _texts(request)
    reference = ""
    try:
        reference = signing.loads(request.GET.get("r", ""), salt=SIGNING_SALT, max_age=3600)
    except signing.BadSignature:
        reference = ""
    return render(
        request,
        "nabij/channels_webform_done.html",
        {"t": texts, "language": language, "reference": reference},
    )
