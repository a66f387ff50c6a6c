"""iCalendar (RFC 5545) feeds: a volunteer's confirmed shifts and a project's shifts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from civitas.core.text import localized
from civitas.projects.models import Shift

PRODID = "-//Civitas//Volunteer shifts//ZH"


# UIDs must not change between fetches, whatever host name the feed is fetched by.
UID_DOMAIN = "civitas.local"


def shifts_calendar(*, name: str, shifts: Iterable[Shift], base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(dt.UTC)
    for shift in shifts:
        project = shift.project
        event = Event()
        event.add("uid", f"shift-{shift.pk}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", shift.starts_at.astimezone(dt.UTC))
        event.add("dtend", shift.ends_at.astimezone(dt.UTC))
        title = localized(project, "title")
        event.add("summary", f"{title} · {shift.title}" if shift.title else title)
        if shift.place_name or project.address:
            event.add("location", shift.place_name or project.address)
        if shift.latitude is not None and shift.longitude is not None:
            event.add("geo", (float(shift.latitude), float(shift.longitude)))
        event.add("url", f"{base_url.rstrip('/')}/projects/{project.pk}/")
        if project.summary:
            event.add("description", project.summary)
        event.add("status", "CANCELLED" if shift.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
