"""The bulk machinery: every row runs in its own transaction and is reported, whatever happens."""

import pytest
from django.db import DatabaseError

from core.bulk import DONE, FAILED, REFUSED, BulkReport, run_bulk
from core.exceptions import InvalidInput
from customers.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db


def rename(customer, name, *, then=None):
    def action():
        Customer.objects.filter(pk=customer.pk).update(name=name)
        if then is not None:
            raise then
        return f"Renamed to {name}."

    return action


def test_each_row_is_reported_and_a_failing_row_rolls_back_only_itself():
    first, second, third = (factories.CustomerFactory() for _ in range(3))
    report = run_bulk(
        "Rename",
        [
            ("first", rename(first, "Asha"), ""),
            ("second", rename(second, "Bina", then=InvalidInput("Not this one.")), ""),
            ("third", rename(third, "Chitra", then=DatabaseError("deadlock")), "/x/"),
        ],
    )
    assert [row.outcome for row in report.rows] == [DONE, REFUSED, FAILED]
    assert report.rows[0].message == "Renamed to Asha."
    assert report.rows[1].message == "Not this one."
    assert "nothing changed" in report.rows[2].message and report.rows[2].url == "/x/"
    assert report.summary == "Rename: 1 done, 2 refused."
    names = dict(Customer.objects.values_list("pk", "name"))
    assert names[first.pk] == "Asha"
    assert names[second.pk] == second.name
    assert names[third.pk] == third.name


def test_an_empty_selection_says_so():
    assert run_bulk("Hand over", []).summary == "Hand over: nothing was selected."


def test_report_survives_the_session_round_trip():
    report = run_bulk("Approve", [("WS1", lambda: "Approved.", "/p/1/")])
    again = BulkReport.from_session_data(report.as_session_data())
    assert again == report
    assert BulkReport.from_session_data({"rows": "nonsense"}) is None
