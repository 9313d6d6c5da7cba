"""Timeline entries of moves nobody presses said their transition's name ("Follow fulfilment") and
the page put it into words when it was read; now the words are written with the entry, and each
state change says which state field it moved (a purchase's own `status`, or its `partner_status`:
both may read "Updated from Infibeam's report"). This gives the entries written before the same
words and their field, once. Only the wording changes: who, when, which object, from and to which
state stay as they were written."""

from django.db import migrations, models
from django.db.models import Case, Q, Value, When

BY_PARTNER = "Updated from Infibeam's report"
WORDS = {
    "Freeze for payment": "Payment started",
    "Confirm": "Purchase confirmed",
    "Follow quantities": "Updated from the quantities handed over or cancelled",
    "Follow partner reports": BY_PARTNER,
    "Follow fulfilment": "Updated from its items and shipments",
    "Ship": "Shipped: slip printed and AWB recorded",
    "Cancel": "Shipment cancelled",
}


def to_words(apps, schema_editor):
    AuditEntry = apps.get_model("purchases", "AuditEntry")
    # Every transition starts from a state: entries with a from_state are the transitions'.
    AuditEntry.objects.exclude(from_state="").update(
        state_field=Case(
            When(action="Follow partner reports", then=Value("partner_status")),
            default=Value("status"),
        )
    )
    by_partner = Q(actor_name="Infibeam", action__startswith="Follow ")
    AuditEntry.objects.filter(action__in=list(WORDS)).update(
        action=Case(
            When(by_partner, then=Value(BY_PARTNER)),
            *(When(action=name, then=Value(words)) for name, words in WORDS.items()),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("purchases", "0005_audit_action_length")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="state_field",
            field=models.CharField(blank=True, default="", max_length=20),
        ),
        migrations.RunPython(to_words, migrations.RunPython.noop, elidable=True),
    ]
