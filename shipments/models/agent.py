"""Couriers: who the store hands parcels to, where their tracking pages are, what their AWBs look
like."""

import re

from django.core.exceptions import ValidationError
from django.db import models


def validate_tracking_url_template(value: str) -> None:
    if "{awb}" not in value:
        raise ValidationError("The tracking URL must contain {awb} where the AWB number goes.")
    if not value.startswith(("https://", "http://")):
        raise ValidationError("The tracking URL must start with https:// or http://.")


def tracking_url(template: str, awb: str) -> str:
    """The courier's tracking page of `awb`, from its URL template with {awb} in it."""
    return template.replace("{awb}", awb)


def validate_regex(value: str) -> None:
    try:
        re.compile(value)
    except re.error as error:
        raise ValidationError(f"Not a valid pattern: {error}.") from error


class ShippingAgentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ShippingAgent(models.Model):
    """A courier the store hands parcels to."""

    name = models.CharField(max_length=100)
    code = models.CharField(max_length=20, unique=True)
    tracking_url_template = models.CharField(
        max_length=300,
        validators=[validate_tracking_url_template],
        help_text="For example https://courier.example/track?awb={awb}",
    )
    awb_pattern = models.CharField(
        "AWB pattern",
        max_length=100,
        blank=True,
        validators=[validate_regex],
        help_text="A regular expression every AWB of this courier matches, e.g. [0-9]{11}",
    )
    collects_cod = models.BooleanField("Collects cash on delivery", default=True)
    active = models.BooleanField(default=True)
    # Signs the courier's tracking webhook (docs/tracking-webhook.md); empty: the webhook is shut.
    tracking_secret = models.CharField(max_length=64, blank=True)
    transporter_id = models.CharField(
        "Transporter ID",
        max_length=15,
        blank=True,
        help_text="The courier's GSTIN or 15-character transporter ID, for e-way bills",
    )

    objects = ShippingAgentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def tracking_url(self, awb: str) -> str:
        return tracking_url(self.tracking_url_template, awb)

    def awb_matches_pattern(self, awb: str) -> bool:
        return not self.awb_pattern or re.fullmatch(self.awb_pattern, awb) is not None

    def awb_rule(self) -> str:
        """What this courier's AWBs look like, for people: '13 or 14 digits', 'SF, then 10
        digits'; the pattern itself when it is not one of those simple kinds; '' without one."""
        if not self.awb_pattern:
            return ""
        return pattern_in_words(self.awb_pattern) or f"the pattern {self.awb_pattern}"


# One piece of a simple AWB pattern: a digit or capital-letter class, or a literal character, with
# an optional count {n} or {m,n}.
PATTERN_PIECE = re.compile(r"(\[0-9\]|\\d|\[A-Z\]|[A-Z0-9-])(?:\{(\d+)(?:,(\d+))?\})?")
PIECE_NAMES = {"[0-9]": "digit", "\\d": "digit", "[A-Z]": "capital letter"}


def pattern_in_words(pattern: str) -> str:
    """'[0-9]{13,14}' → '13 or 14 digits'; 'E[A-Z][0-9]{9}IN' → 'E, then 1 capital letter, then
    9 digits, then IN'; '' for anything else."""
    pieces = list(PATTERN_PIECE.finditer(pattern))
    if "".join(piece.group(0) for piece in pieces) != pattern or not pieces:
        return ""
    words, literal = [], ""
    for piece in pieces:
        kind, low, high = piece.groups()
        if kind not in PIECE_NAMES and not low:
            literal += kind
            continue
        if literal:
            words.append(literal)
            literal = ""
        if kind not in PIECE_NAMES:  # a literal repeated, as in -{2}: say it as it is written
            return ""
        count = low or "1"
        if high:
            joiner = " or " if int(high) == int(low) + 1 else " to "
            count = f"{low}{joiner}{high}"
        plural = "" if count == "1" else "s"
        words.append(f"{count} {PIECE_NAMES[kind]}{plural}")
    if literal:
        words.append(literal)
    return ", then ".join(words)
