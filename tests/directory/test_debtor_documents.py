"""The debtor sees the case against it: the creditor's documents, listed and downloaded by its private link."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.directory.conftest import World, reply_token
from tests.directory.factories import OTHER_DEBTOR_SIREN, filing_payload
from tests.directory.proof import PROOF, file_report

OTHER_DEBTOR_MAIL = "compta@autre-debiteur.fr"


def test_the_debtor_page_lists_each_document_s_kind_name_and_date_and_downloads_the_invoice_and_notice_proof(
    world: World,
) -> None:
    file_report(world.api, world.member, filing_payload())
    token = reply_token(world.mailer)
    page = world.api.get(f"/replies/{token}").json
    listed = [(d["kind"], d["label"], d["filename"], d["uploaded_at"][:10]) for d in page["documents"]]
    assert listed == [
        ("invoice", "Facture", "facture-F-2025-0412.pdf", "2026-03-02"),
        ("formal_notice", "Mise en demeure", "mise-en-demeure.pdf", "2026-03-02"),
        ("notice_proof", "Preuve d'envoi de la mise en demeure", "accuse-reception.pdf", "2026-03-02"),
    ]
    by_kind = {d["kind"]: d for d in page["documents"]}
    for kind in ("invoice", "notice_proof"):
        got = world.api.get(by_kind[kind]["url"])  # the link's token is the only credential
        assert got.status_code == 200 and got.data == PROOF[kind][1], kind
        assert got.headers["X-Content-SHA256"] == by_kind[kind]["sha256"] == hashlib.sha256(got.data).hexdigest()
        assert got.headers["Cache-Control"] == "no-store" and "attachment" in got.headers["Content-Disposition"]
    html = world.api.get(f"/replies/{token}", headers={"Accept": "text/html"}).get_data(as_text=True)
    for document in page["documents"]:
        assert f'href="{document["url"]}"' in html and document["filename"] in html
    assert "Facture : " in html and "Preuve d&#39;envoi de la mise en demeure : " in html
    assert "(déposée le 02/03/2026)" in html


def test_a_debtor_link_reaches_its_own_report_s_documents_and_no_other(world: World) -> None:
    mine = file_report(world.api, world.member, filing_payload()).json
    token = reply_token(world.mailer)
    other = file_report(
        world.api,
        world.member,
        filing_payload(debtor_siren=OTHER_DEBTOR_SIREN, debtor_name="Autre SA", debtor_email=OTHER_DEBTOR_MAIL),
    ).json
    other_token = reply_token(world.mailer, to=OTHER_DEBTOR_MAIL)
    theirs = other["documents"][0]["id"]
    assert world.api.get(f"/replies/{token}/documents/{theirs}").status_code == 404
    assert world.api.get(f"/replies/{other_token}/documents/{theirs}").status_code == 200
    own = mine["documents"][0]["id"]
    assert world.api.get(f"/replies/{other_token}/documents/{own}").status_code == 404
    unknown = world.api.get(f"/replies/ard_rep_{'x' * 40}/documents/{own}")
    assert unknown.status_code == 404 and unknown.content_type == "application/problem+json"


def test_a_document_changed_since_filing_is_not_served_to_the_debtor(world: World, tmp_path: Path) -> None:
    filed = file_report(world.api, world.member, filing_payload()).json
    token = reply_token(world.mailer)
    invoice = filed["documents"][0]
    [stored] = (tmp_path / "var" / "evidence").rglob(invoice["id"])
    stored.write_bytes(b"%PDF-1.4 facture retouchee apres le signalement")
    altered = world.api.get(f"/replies/{token}/documents/{invoice['id']}")
    assert altered.status_code == 409 and altered.json["sha256_cited"] == invoice["sha256"]
    assert b"retouchee" not in altered.data
