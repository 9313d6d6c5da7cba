"""A postal address as it was when the purchase was placed."""

from django.db import models

from core.india import GstState, validate_pin_code


class Address(models.Model):
    """A postal address as it was when the purchase was placed; never edited afterwards."""

    name = models.CharField(max_length=200)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    landmark = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=GstState.choices)
    pin_code = models.CharField("PIN code", max_length=6, validators=[validate_pin_code])
    mobile = models.CharField(max_length=10)

    class Meta:
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["mobile"], name="address_mobile")]

    def __str__(self) -> str:
        return f"{self.name}, {self.city} {self.pin_code}"

    @property
    def state_code(self) -> str:
        return self.state

    @property
    def lines(self) -> list[str]:
        lines = [self.line1, self.line2]
        if self.landmark:
            lines.append(f"Landmark: {self.landmark}")
        lines.append(f"{self.city} {self.pin_code}")
        lines.append(self.get_state_display())
        return [line for line in lines if line]
