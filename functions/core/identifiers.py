"""French company identifiers: SIREN (9 digits) and SIRET (14 digits).

Both end with a Luhn check digit. La Poste is the documented exception: its
SIREN 356000000 is valid, but its establishments' SIRETs (all but the head
office, 35600000000048) follow INSEE's other rule: the sum of the 14 digits
is a multiple of 5.
"""

from __future__ import annotations

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE_SIRET = "35600000000048"


class InvalidIdentifier(ValueError):
    """An identifier failed its format or checksum."""


def luhn_is_valid(digits: str) -> bool:
    """Tell whether a string of digits passes the Luhn checksum."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize(raw: str) -> str:
    """Drop the spaces, dots and dashes people type inside identifiers."""
    return "".join(ch for ch in raw if ch not in " .-\u00a0\u202f")


def is_valid_siren(value: str) -> bool:
    """Tell whether ``value`` is a well-formed SIREN (already normalized)."""
    return len(value) == 9 and value.isascii() and value.isdigit() and luhn_is_valid(value)


def is_valid_siret(value: str) -> bool:
    """Tell whether ``value`` is a well-formed SIRET (already normalized): a valid SIREN, then a NIC.

    Luhn over the 14 digits alone accepts one number in ten whose first nine
    digits are no SIREN at all: both checks are needed.
    """
    if not (len(value) == 14 and value.isascii() and value.isdigit() and is_valid_siren(value[:9])):
        return False
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_HEAD_OFFICE_SIRET:
        return sum(int(c) for c in value) % 5 == 0
    return luhn_is_valid(value)


def parse_siren(raw: str) -> str:
    """Return the normalized SIREN or raise :class:`InvalidIdentifier`."""
    value = normalize(raw)
    if not (len(value) == 9 and value.isascii() and value.isdigit()):
        raise InvalidIdentifier("Un SIREN compte exactement 9 chiffres.")
    if not luhn_is_valid(value):
        raise InvalidIdentifier("Ce SIREN n'existe pas : sa clé de contrôle est fausse.")
    return value


def parse_siret(raw: str) -> str:
    """Return the normalized SIRET or raise :class:`InvalidIdentifier`."""
    value = normalize(raw)
    if not (len(value) == 14 and value.isascii() and value.isdigit()):
        raise InvalidIdentifier("Un SIRET compte exactement 14 chiffres.")
    if not is_valid_siren(value[:9]):
        raise InvalidIdentifier("Ce SIRET n'existe pas : ses 9 premiers chiffres ne forment pas un SIREN valide.")
    if not is_valid_siret(value):
        raise InvalidIdentifier("Ce SIRET n'existe pas : sa clé de contrôle est fausse.")
    return value


def parse_company(raw: str) -> str:
    """Return the SIREN of a company typed as its SIREN or as one of its SIRETs (pasted from an invoice).

    Raise :class:`InvalidIdentifier` when it is neither.
    """
    value = normalize(raw)
    if len(value) == 14:
        return parse_siret(value)[:9]
    if len(value) != 9 and value.isascii() and value.isdigit():
        raise InvalidIdentifier("Un SIREN compte 9 chiffres (un SIRET, 14).")
    return parse_siren(value)


def with_check_digit(first_eight: str) -> str:
    """Complete eight digits into a valid SIREN (used by demo data and tests)."""
    for digit in "0123456789":
        candidate = first_eight + digit
        if luhn_is_valid(candidate):
            return candidate
    raise AssertionError("unreachable: one Luhn digit always exists")
