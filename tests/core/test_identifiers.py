import pytest

from functions.core.identifiers import (
    InvalidIdentifier,
    is_valid_siren,
    is_valid_siret,
    luhn_is_valid,
    parse_siren,
    parse_siret,
    with_check_digit,
)


@pytest.mark.parametrize("siren", ["552100554", "732829320", "356000000", "542065479"])
def test_real_sirens_are_valid(siren: str) -> None:
    assert is_valid_siren(siren)


@pytest.mark.parametrize("siren", ["123456789", "552100555", "55210055", "5521005540", "55210055a", "٥٥٢١٠٠٥٥٤"])
def test_wrong_sirens_are_refused(siren: str) -> None:
    assert not is_valid_siren(siren)


def test_parse_siren_accepts_the_spaces_people_type() -> None:
    assert parse_siren("552 100 554") == "552100554"
    assert parse_siren("552.100.554") == "552100554"


def test_parse_siren_explains_a_wrong_length_and_a_wrong_checksum() -> None:
    with pytest.raises(InvalidIdentifier, match="9 chiffres"):
        parse_siren("12345")
    with pytest.raises(InvalidIdentifier, match="clé de contrôle"):
        parse_siren("123456789")


def test_a_siret_follows_luhn_over_fourteen_digits() -> None:
    assert is_valid_siret("55210055400013")
    assert not is_valid_siret("55210055400014")
    assert parse_siret("552 100 554 00013") == "55210055400013"


def test_la_poste_head_office_siret_follows_luhn() -> None:
    assert is_valid_siret("35600000000048")


@pytest.mark.parametrize("siret", ["35600000049837", "35600000010014", "35600000010028"])
def test_la_poste_establishments_need_a_digit_sum_multiple_of_five_not_luhn(siret: str) -> None:
    assert sum(map(int, siret)) % 5 == 0
    assert not luhn_is_valid(siret)
    assert is_valid_siret(siret)


@pytest.mark.parametrize("siret", ["35600000049838", "35600000010003"])
def test_la_poste_establishments_with_another_digit_sum_are_refused(siret: str) -> None:
    assert not is_valid_siret(siret)


def test_the_la_poste_exception_does_not_extend_to_other_companies() -> None:
    siret = "55210055400012"  # digit sum 25, a multiple of 5, but fails Luhn
    assert sum(map(int, siret)) % 5 == 0
    assert not is_valid_siret(siret)


def test_with_check_digit_completes_any_eight_digits() -> None:
    for prefix in ("00000000", "12345678", "99999999"):
        assert is_valid_siren(with_check_digit(prefix))
