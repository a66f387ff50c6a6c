import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from civitas.core.identity import normalize_mobile, parse_resident_id
from civitas.core.masking import mask_id_number, mask_mobile, mask_name


def test_valid_resident_id_yields_birth_date_and_gender():
    resident = parse_resident_id("110101199003074514")
    assert resident.birth_date == dt.date(1990, 3, 7)
    assert resident.gender == "male"


def test_resident_id_with_x_check_digit_is_accepted():
    assert parse_resident_id("11010519491231002x").number == "11010519491231002X"


def test_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as error:
        parse_resident_id("110101199003074515")
    assert error.value.code == "id_checksum"


@pytest.mark.parametrize("number", ["", "1234", "11010119900307451", "1101011990030745AA", "110101199002304514"])
def test_malformed_resident_ids_are_refused(number):
    with pytest.raises(ValidationError):
        parse_resident_id(number)


def test_mobile_numbers_are_stored_in_e164():
    assert normalize_mobile("138 1234 5678") == "+8613812345678"
    assert normalize_mobile("+86 138-1234-5678") == "+8613812345678"


@pytest.mark.parametrize("number", ["12345", "02788888888", "abc", "1381234567"])
def test_non_mobile_numbers_are_refused(number):
    with pytest.raises(ValidationError):
        normalize_mobile(number)


def test_masks_keep_only_the_ends():
    assert mask_id_number("110101199003074514") == "110***********4514"
    assert mask_mobile("+8613812345678") == "138****5678"
    assert mask_name("张三丰") == "张*丰"
