"""The people who buy from the store."""

from django.db import models

from webstore.india import validate_mobile


class Customer(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(db_index=True)
    mobile = models.CharField(max_length=10, validators=[validate_mobile], db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
