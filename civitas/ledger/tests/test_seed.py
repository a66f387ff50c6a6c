from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.db.models import Sum

from civitas.accounts.models import User
from civitas.ledger.models import HoursRollup, ServiceRecord, VolunteerTotals
from civitas.ledger.services import ledger_verify, totals_rebuild


def test_demo_seed_has_a_chained_history_with_every_star_level(db):
    call_command("seed", scale="demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ServiceRecord.objects.filter(status="approved").count() >= 2000
    assert ledger_verify() == []
    levels = set(VolunteerTotals.objects.values_list("star_level", flat=True))
    assert levels >= set(range(0, len(settings.CIVITAS["STAR_THRESHOLDS"]) + 1))
    demo = VolunteerTotals.objects.get(volunteer=User.objects.get(username="volunteer"))
    assert demo.star_level >= 1
    approved = ServiceRecord.objects.filter(status="approved").aggregate(total=Sum("hours"))["total"]
    assert HoursRollup.objects.aggregate(total=Sum("hours"))["total"] == approved
    assert VolunteerTotals.objects.aggregate(total=Sum("total_hours"))["total"] == approved > Decimal("0")
    assert totals_rebuild() == 0  # what was kept is what the ledger says
