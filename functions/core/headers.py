"""Security headers: one source for the three apps, the local static site and CloudFront's policy.

Every response carries :data:`COMMON` and a Content-Security-Policy that runs
no inline script: the APIs' answers (JSON, problem+json, SVG, PDF) may load
nothing at all; the pages the apps render (the debtor's page, the solvency
summary) run only their own nonce'd script and style; the static site loads its
own files only (MkDocs Material's inline scripts are moved to files by our
theme). In production the site's headers come from a CloudFront response
headers policy, :func:`cloudfront_policy`, shipped as
``deploy/cloudfront-site-headers.json`` (``python -m functions.core.headers``
writes it; a test checks that the file, this module and ``ardoise serve`` agree).
"""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REFERRER_POLICY = "no-referrer"  # private links carry their token in the path: never sent elsewhere
HSTS_SECONDS = 365 * 24 * 3600
COMMON: Mapping[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": REFERRER_POLICY,
    # Browsers ignore it over plain HTTP (a local run); behind CloudFront it keeps every visit on HTTPS.
    "Strict-Transport-Security": f"max-age={HSTS_SECONDS}",
}
CSP = "Content-Security-Policy"


def content_security_policy(**directives: str) -> str:
    """Write a policy from ``default_src="'none'"``-style keywords, in the order given."""
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


# What an API answer may load: nothing. It is data (or a file), never a page to frame or to run.
API_CSP = content_security_policy(
    default_src="'none'", frame_ancestors="'none'", base_uri="'none'", form_action="'none'", sandbox=""
).strip()

# The public site: its own scripts, styles, images (Material's icons are data: URIs in its CSS) and API.
SITE_CSP = content_security_policy(
    default_src="'none'",
    script_src="'self'",
    style_src="'self'",
    img_src="'self' data:",
    font_src="'self'",
    connect_src="'self'",
    manifest_src="'self'",
    form_action="'self'",
    frame_ancestors="'none'",
    base_uri="'self'",
)

SITE_HEADERS: Mapping[str, str] = {**COMMON, CSP: SITE_CSP}


def _space_csp(**script: str) -> str:
    """The web spaces' policy, with the directives that let ``script`` (its own file, its requests) run."""
    return content_security_policy(
        default_src="'none'",
        **script,
        style_src="'self'",
        img_src="'self' data:",
        font_src="'self'",
        form_action="'self'",
        frame_ancestors="'none'",
        base_uri="'none'",
    )


# The web spaces' pages (``/espace/``, ``/moderation/``, ``/abonne/``): the site's stylesheet, forms posting
# to themselves, no script (every form works without one; the few pages a script enhances: below).
SPACE_CSP = _space_csp()
# A space's page enhanced by the spaces' script (the sign-up's registry check as the SIREN is typed): that
# file from the site's own origin, and its requests back to it; still nothing inline.
SPACE_SCRIPT_CSP = _space_csp(script_src="'self'", connect_src="'self'")


def new_nonce() -> str:
    """Return a fresh nonce for one rendered page's own script and style."""
    return secrets.token_urlsafe(16)


def page_csp(nonce: str, *, connect: str = "'none'", form_action: str = "'none'") -> str:
    """Return the policy of a page an app renders: only its nonce'd script and style run."""
    return content_security_policy(
        default_src="'none'",
        script_src=f"'nonce-{nonce}'",
        style_src=f"'nonce-{nonce}'",
        connect_src=connect,
        form_action=form_action,
        frame_ancestors="'none'",
        base_uri="'none'",
    )


def cloudfront_policy(name: str = "ardoise-site") -> dict[str, Any]:
    """Return the CloudFront ``ResponseHeadersPolicyConfig`` that sends :data:`SITE_HEADERS`."""
    frame = COMMON["X-Frame-Options"]
    return {
        "Name": name,
        "Comment": "Ardoise public site: the headers ardoise serve sends (functions/core/headers.py).",
        "SecurityHeadersConfig": {
            "ContentSecurityPolicy": {"Override": True, "ContentSecurityPolicy": SITE_CSP},
            "ContentTypeOptions": {"Override": True},
            "FrameOptions": {"Override": True, "FrameOption": frame},
            "ReferrerPolicy": {"Override": True, "ReferrerPolicy": REFERRER_POLICY},
            "StrictTransportSecurity": {
                "Override": True,
                "AccessControlMaxAgeSec": HSTS_SECONDS,
                "IncludeSubdomains": False,
                "Preload": False,
            },
        },
    }


def headers_of_cloudfront_policy(config: Mapping[str, Any]) -> dict[str, str]:
    """Return the headers CloudFront adds for a ``ResponseHeadersPolicyConfig``, as a browser sees them."""
    security = config.get("SecurityHeadersConfig", {})
    headers: dict[str, str] = {}
    if "ContentSecurityPolicy" in security:
        headers[CSP] = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    if "ContentTypeOptions" in security:
        headers["X-Content-Type-Options"] = "nosniff"
    if "FrameOptions" in security:
        headers["X-Frame-Options"] = security["FrameOptions"]["FrameOption"]
    if "ReferrerPolicy" in security:
        headers["Referrer-Policy"] = security["ReferrerPolicy"]["ReferrerPolicy"]
    if "StrictTransportSecurity" in security:
        hsts = security["StrictTransportSecurity"]
        value = f"max-age={hsts['AccessControlMaxAgeSec']}"
        value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
        value += "; preload" if hsts.get("Preload") else ""
        headers["Strict-Transport-Security"] = value
    for item in config.get("CustomHeadersConfig", {}).get("Items", []):
        headers[item["Header"]] = item["Value"]
    return headers


POLICY_FILE = Path(__file__).resolve().parents[2] / "deploy" / "cloudfront-site-headers.json"


def policy_document() -> str:
    """Return the text of ``deploy/cloudfront-site-headers.json``."""
    return json.dumps(cloudfront_policy(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    # Rewrite the shipped policy after a change here: python -m functions.core.headers
    POLICY_FILE.parent.mkdir(exist_ok=True)
    POLICY_FILE.write_text(policy_document())
    sys.stdout.write(f"wrote {POLICY_FILE}\n")
