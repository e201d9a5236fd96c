"""Links that open one company's summary in a browser, from an alert e-mail.

The API wants the key in an ``X-API-Key`` header, which a link in an e-mail
cannot carry, and an API key must never travel in a URL. So an alert e-mail
links to ``/api/reports/solvency/{siren}/view/{token}``, where the token reads
``<subscriber id>.<expiry, Unix seconds>.<HMAC-SHA256 under the platform key
of the subscriber, the SIREN and the expiry>``:

- it opens that SIREN's summary only (another SIREN in the path: 404);
- until it expires, :data:`LINK_VALIDITY` after the e-mail (then 410);
- while the subscriber is active (revoked: 410);
- each opening is counted against the subscriber's quota like any summary
  served (429 beyond it), so a forwarded link costs its owner, never more
  than its quota.

Nothing is stored: the signature is the proof. The page is served with
``Cache-Control: no-store`` and ``Referrer-Policy: no-referrer`` since the
token is in its URL.
"""

from __future__ import annotations

import hmac
import re
from datetime import UTC, datetime, timedelta

from functions.core.domain.subscribers import Subscriber
from functions.core.errors import ExpiredLink, Gone, UnknownLink
from functions.core.french import short_datetime
from functions.core.mounts import api_url
from functions.core.resources import Resources
from functions.core.tokens import sign

LINK_VALIDITY = timedelta(days=7)
_TOKEN = re.compile(r"([0-9a-f]{12})\.([0-9]{1,12})\.([0-9a-f]{64})")


class RevokedSummaryLink(Gone):
    slug, title = "lien-revoque", "Lien révoqué"


def _signature(res: Resources, subscriber_id: str, siren: str, expires: int) -> str:
    return sign(res.settings.secret_key, f"summary-link:{subscriber_id}:{siren}:{expires}")


def summary_link(res: Resources, subscriber: Subscriber, siren: str) -> str:
    """Return the link to ``siren``'s summary page for ``subscriber``, valid :data:`LINK_VALIDITY` from now."""
    expires = int((res.clock() + LINK_VALIDITY).timestamp())
    token = f"{subscriber.id}.{expires}.{_signature(res, subscriber.id, siren, expires)}"
    return api_url(res.settings.base_url, "reports", f"/solvency/{siren}/view/{token}")


def open_summary_link(res: Resources, siren: str, token: str) -> Subscriber:
    """Return the subscriber a link was made for; 404 when forged or for another SIREN, 410 expired or revoked."""
    found = _TOKEN.fullmatch(token)
    if found is None:
        raise UnknownLink("Ce lien ne correspond à aucune synthèse.")
    subscriber_id, expires = found.group(1), int(found.group(2))
    if not hmac.compare_digest(found.group(3), _signature(res, subscriber_id, siren, expires)):
        raise UnknownLink("Ce lien ne correspond à aucune synthèse.")
    if res.clock().timestamp() >= expires:
        ended = datetime.fromtimestamp(expires, UTC)
        raise ExpiredLink(
            f"Ce lien a expiré le {short_datetime(ended)} ; la synthèse reste disponible par l'API "
            f"(GET /solvency/{siren} avec votre clé) et dans les prochaines alertes."
        )
    subscriber = res.store.subscribers.get_subscriber(subscriber_id)
    if subscriber is None or not subscriber.is_active:
        raise RevokedSummaryLink("L'abonnement auquel ce lien appartient a été révoqué.")
    return subscriber
