"""Signed codes for check-in.

- The shift's rotating code: ``<shift>-<window>-<hmac>``, bound to the shift and a time
  window (``CHECKIN_QR_WINDOW_SECONDS``, 60 s by default). The current and the previous
  window are accepted, so a photo of the code shared later is useless.
- The volunteer's personal code: the volunteer number, signed.
- The kiosk link: the shift, signed; valid until the shift's attendance closes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.utils import timezone

PERSONAL_SALT = "civitas.attendance.volunteer"
KIOSK_SALT = "civitas.attendance.kiosk"


def _key() -> bytes:
    return hashlib.sha256(f"civitas:attendance-shift-code:{settings.SECRET_KEY}".encode()).digest()


def _window(at: dt.datetime) -> int:
    return int(at.timestamp()) // int(settings.CIVITAS["CHECKIN_QR_WINDOW_SECONDS"])


def _signature(shift_id: int, window: int) -> str:
    return hmac.new(_key(), f"{shift_id}:{window}".encode(), hashlib.sha256).hexdigest()[:20]


def shift_code(shift_id: int, at: dt.datetime | None = None) -> str:
    window = _window(at or timezone.now())
    return f"{shift_id}-{window}-{_signature(shift_id, window)}"


def shift_code_seconds_left(at: dt.datetime | None = None) -> int:
    seconds = int(settings.CIVITAS["CHECKIN_QR_WINDOW_SECONDS"])
    return seconds - int((at or timezone.now()).timestamp()) % seconds


def shift_from_code(code: str, at: dt.datetime | None = None) -> int | None:
    """The shift a code names, if it is genuine and of the current or previous window."""
    try:
        shift_part, window_part, signature = (code or "").strip().split("-")
        shift_id, window = int(shift_part), int(window_part)
    except ValueError:
        return None
    current = _window(at or timezone.now())
    if window not in (current, current - 1):
        return None
    if not hmac.compare_digest(signature, _signature(shift_id, window)):
        return None
    return shift_id


def personal_code(volunteer_number: str) -> str:
    return signing.Signer(salt=PERSONAL_SALT).sign(volunteer_number)


def volunteer_number_from_code(code: str) -> str | None:
    try:
        return signing.Signer(salt=PERSONAL_SALT).unsign((code or "").strip())
    except signing.BadSignature:
        return None


def kiosk_token(shift_id: int) -> str:
    return signing.dumps({"shift": shift_id}, salt=KIOSK_SALT, compress=False)


def shift_from_kiosk_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=KIOSK_SALT)["shift"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
