"""Every notice exists in English and Simplified Chinese, and the catalog is complete."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from civitas.notifications import content

HAN = re.compile(r"[\u4e00-\u9fff]")


def fixtures():
    organization = SimpleNamespace(pk=1, name="阳光队", name_en="Sunshine", time_zone="")
    project = SimpleNamespace(pk=1, title="关爱", title_en="Care", organization=organization, place_name="", address="")
    shift = SimpleNamespace(pk=1, project=project, project_id=1, title="", place_name="Gate 1", starts_at=timezone.now())
    signup = SimpleNamespace(shift=shift, waitlist_position=3, offer_expires_at=timezone.now(), offer_token=None)
    record = SimpleNamespace(hours=Decimal("2"), started_at=timezone.now(), project=project, project_id=1,
                             organization=organization, decision_reason="")
    membership = SimpleNamespace(organization=organization, organization_id=1)
    renders = [content.signup_status(signup, s) for s in
               ("confirmed", "pending", "waitlisted", "promoted", "offered", "rejected", "cancelled")]
    renders += [content.shift_cancelled(shift, ""), content.reminder(signup, "24h"), content.reminder(signup, "2h")]
    renders += [content.record_decided(record, True), content.record_decided(record, False), content.star_level(3),
                content.certificate_issued("ABC")]
    renders += [content.organization_decided(organization, a, "") for a in ("approve", "suspend", "reject")]
    renders += [content.project_transitioned(project, a, "") for a in ("approve", "return", "reject")]
    renders += [content.membership_decided(membership, ok, "") for ok in (True, False)]
    submission = SimpleNamespace(task=SimpleNamespace(title="举报", title_en="Report"), review_reason="")
    renders += [content.comment_reply("hi", SimpleNamespace(pk=1, article_id=None, project_id=1)), content.submission_reviewed(submission, True),
                content.submission_reviewed(submission, False)]
    return renders


@pytest.mark.django_db
def test_every_notice_reads_in_chinese_and_in_english():
    with translation.override("zh-hans"):
        chinese = fixtures()
    with translation.override("en"):
        english = fixtures()
    for (zh_subject, zh_body, _), (en_subject, en_body, _) in zip(chinese, english, strict=True):
        assert HAN.search(zh_subject) and HAN.search(zh_body), zh_subject
        assert not HAN.search(en_subject + en_body), en_subject


def test_catalog_has_no_empty_or_fuzzy_entries():
    po = (Path(__file__).resolve().parents[1] / "locale/zh_Hans/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]  # the header's msgstr is meant to be empty
    assert entries
    for entry in entries:
        assert "#, fuzzy" not in entry, entry
        assert not re.search(r'msgstr(\[0\])? ""\s*$', entry.strip()), entry


def test_reminder_time_is_shown_in_the_organizations_zone():
    moment = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
    assert content.when(moment) == "2026-12-01 09:00"
    assert content.when(moment, "Asia/Urumqi") == "2026-12-01 07:00"
    assert content.when(moment, "Not/AZone") == "2026-12-01 09:00"
