import random

import pytest
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from functions.core.identifiers import (
    InvalidIdentifier,
    is_valid_siren,
    is_valid_siret,
    luhn_is_valid,
    parse_company,
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


def luhn_completed(first_thirteen: str) -> str:
    return next(first_thirteen + d for d in "0123456789" if luhn_is_valid(first_thirteen + d))


def test_a_siret_whose_first_nine_digits_are_no_siren_is_refused() -> None:
    siret = luhn_completed("1234567890001")  # Luhn holds over 14 digits, but 123456789 is no SIREN
    assert luhn_is_valid(siret) and not is_valid_siren(siret[:9])
    assert not is_valid_siret(siret)
    with pytest.raises(InvalidIdentifier, match="9 premiers chiffres"):
        parse_siret(siret)


def test_a_company_is_typed_as_its_siren_or_one_of_its_sirets() -> None:
    assert parse_company("552 100 554") == "552100554"
    assert parse_company("552 100 554 00013") == "552100554"
    assert parse_company("35600000049837") == "356000000"
    for wrong, reason in [("55210055400014", "clé"), ("5521005540", "9 chiffres"), ("Mme Dupont", "9 chiffres")]:
        with pytest.raises(InvalidIdentifier, match=reason):
            parse_company(wrong)


def test_siren_and_siret_agree_with_python_stdnum_on_many_random_numbers() -> None:
    draw = random.Random(20261201)
    numbers = []
    for _ in range(25_000):
        numbers.append("".join(draw.choices("0123456789", k=14)))
        # Half of them pass Luhn over 14 digits: where a SIRET check that forgets the SIREN goes wrong.
        numbers.append(luhn_completed("".join(draw.choices("0123456789", k=13))))
    numbers += [luhn_completed(with_check_digit(f"{n:08d}") + f"{draw.randrange(10_000):04d}") for n in range(1_000)]
    numbers += [f"356000000{n:05d}" for n in range(0, 100_000, 97)]  # La Poste's establishments
    disagree = [n for n in numbers if is_valid_siret(n) != stdnum_siret.is_valid(n)]
    disagree += [n[:9] for n in numbers if is_valid_siren(n[:9]) != stdnum_siren.is_valid(n[:9])]
    assert len(numbers) > 51_000
    assert sum(map(is_valid_siret, numbers)) > 1_000  # not only refusals
    assert disagree == []
