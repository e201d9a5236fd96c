"""A printed notice's short code: typed on ``<base>/r/``, it leads to the debtor's private page.

A code has 50 bits (10 characters of Crockford's base 32), so guessing must be
slowed down: every wrong code counts, per client (its address, as the edge
gives it: Zappa takes the client's from CloudFront's ``X-Forwarded-For``;
IPv6 addresses by their /64) and for everyone together, in hourly windows.
Past ``CLIENT_FAILURES`` for a client, or ``ALL_FAILURES`` in all, codes are
refused until the hour ends (429), the right one too: nothing is checked.
With 10,000 letters' codes valid at once, the global limit leaves an attacker
about one chance in 80,000 of hitting any of them in 60 days. The letter's
QR code and an e-mail to the operator still work when the page is held back.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta

from functions.core.errors import FieldError, Gone, NotFound, QuotaExceeded, ValidationFailed
from functions.core.resources import Resources
from functions.core.store import retry_on_conflict
from functions.core.store.replies import CODE
from functions.core.tokens import CODE_LENGTH, read_code, sign
from functions.core.usecases.directory.notices import code_key, notice_token, reply_url

CLIENT_FAILURES = 10
ALL_FAILURES = 1000
EVERYONE = "all"


class TooManyCodes(QuotaExceeded):
    slug, title = "codes-trop-nombreux", "Trop de codes erronés"


def _window(now: datetime) -> tuple[str, datetime]:
    """The hour ``now`` falls in (its key) and when it ends."""
    start = now.replace(minute=0, second=0, microsecond=0)
    return start.strftime("%Y-%m-%dT%H"), start + timedelta(hours=1)


def client_key(res: Resources, address: str) -> str:
    """A client's key: a keyed digest of its address (an IPv6 one by its /64), never the address itself."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        parsed = None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is None:
        address = str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    elif isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        address = str(parsed.ipv4_mapped)
    return sign(res.settings.secret_key, f"code-client:{address}")[:32]


def open_code(res: Resources, typed: str, client_address: str) -> str:
    """Return the private page's address a typed code leads to.

    :raise 429: too many wrong codes this hour (from this client, or from all).
    :raise 400: what was typed cannot be a code (not counted: a typo is no guess).
    :raise 404: no letter has this code (counted).
    :raise 410: the code has expired, or its report is no longer held.
    """
    now = res.clock()
    window, ends = _window(now)
    keys = [client_key(res, client_address), EVERYONE]
    failures = res.store.replies.failed_codes(keys, window)
    if failures.get(keys[0], 0) >= CLIENT_FAILURES or failures.get(EVERYONE, 0) >= ALL_FAILURES:
        wait = max(1, math.ceil((ends - now).total_seconds()))
        raise TooManyCodes(
            f"Trop de codes erronés ont été saisis : réessayez dans {max(1, wait // 60)} minute(s), "
            "ou scannez le code QR de votre courrier.",
            headers={"Retry-After": str(wait)},
        )
    code = read_code(typed)
    if code is None:
        raise ValidationFailed(
            "Ce code n'a pas la bonne forme.",
            [FieldError("code", "code_invalide", f"Le code compte {CODE_LENGTH} caractères, lettres et chiffres.")],
        )
    link = res.store.replies.find_link(code_key(res, code), kind=CODE)
    if link is None:
        retry_on_conflict(lambda: res.store.replies.count_failed_code(keys, window, ends + timedelta(hours=1)))
        raise NotFound("Ce code ne correspond à aucun courrier. Vérifiez-le, caractère par caractère.")
    if link.expired(now):
        raise Gone("Ce code a expiré. Écrivez-nous en citant la facture pour recevoir un nouvel accès.")
    report = res.store.reports.get_report(link.report_id)
    if report is None or report.notice is None:
        raise Gone("Ce signalement n'est plus conservé.")
    return reply_url(res, notice_token(res, report, report.notice))
