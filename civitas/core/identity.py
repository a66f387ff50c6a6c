"""Checks for the identity documents and phone numbers people give us."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK_CODES = "10X98765432"
RESIDENT_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    gender: str  # "male" or "female"


def resident_id_check_code(first_seventeen: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first_seventeen, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK_CODES[total % 11]


def parse_resident_id(value: str) -> ResidentId:
    """Validate a mainland resident ID (GB 11643) and read its birth date and gender."""
    number = (value or "").strip().upper()
    if not RESIDENT_ID_PATTERN.match(number):
        raise ValidationError(_("A resident ID has 17 digits followed by a digit or X."), code="id_format")
    try:
        birth_date = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside this resident ID is not a real date."), code="id_birth_date") from None
    if birth_date > dt.date.today() or birth_date.year < 1900:
        raise ValidationError(_("The birth date inside this resident ID is not possible."), code="id_birth_date")
    if resident_id_check_code(number[:17]) != number[17]:
        raise ValidationError(_("This resident ID's check digit is wrong; please check the number."), code="id_checksum")
    gender = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number=number, birth_date=birth_date, gender=gender)


def normalize_mobile(value: str, region: str = "CN") -> str:
    """Return a mobile number in E.164 form, or raise a ValidationError."""
    raw = (value or "").strip()
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter a valid mobile number, such as 13812345678."), code="mobile") from None
    number_type = phonenumbers.number_type(parsed)
    if not phonenumbers.is_valid_number(parsed) or number_type not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(_("Enter a valid mobile number, such as 13812345678."), code="mobile")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
