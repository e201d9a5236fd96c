"""The e-invoice lifecycle through the HTTP API, on both stores: 207/210 freeze, 211/212 settle, others are kept."""

from __future__ import annotations

from typing import Any

import pytest

from tests.directory.conftest import World, subjects_to
from tests.directory.factories import DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report

DEBTOR_MAIL = "comptabilite@sge.fr"
CDAR = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossDomainAcknowledgementAndResponse
    xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
    xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100">
\t<rsm:ExchangedDocumentContext>
\t\t<ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn.cpro.gouv.fr:1p0:CDV:invoice</ram:ID>
\t\t</ram:GuidelineSpecifiedDocumentContextParameter>
\t</rsm:ExchangedDocumentContext>
\t<rsm:ExchangedDocument>
\t\t<ram:ID>CDV-2026-0001</ram:ID>
\t\t<ram:IssueDateTime><udt:DateTimeString format="204">20260227101500</udt:DateTimeString></ram:IssueDateTime>
\t</rsm:ExchangedDocument>
\t<rsm:AcknowledgementDocument>
\t\t<ram:TypeCode>23</ram:TypeCode>
\t\t<ram:IssueDateTime><udt:DateTimeString format="204">{when}</udt:DateTimeString></ram:IssueDateTime>
\t\t<ram:ReferenceReferencedDocument>
\t\t\t<ram:IssuerAssignedID>{number}</ram:IssuerAssignedID>
\t\t\t<ram:TypeCode>380</ram:TypeCode>
\t\t\t<ram:ProcessConditionCode>{code}</ram:ProcessConditionCode>
\t\t\t<ram:SpecifiedDocumentStatus><ram:Reason>{reason}</ram:Reason></ram:SpecifiedDocumentStatus>
\t\t</ram:ReferenceReferencedDocument>
\t</rsm:AcknowledgementDocument>
</rsm:CrossDomainAcknowledgementAndResponse>
"""


def cdar(*, code: int, when: str = "20260226143000", number: str = "F-2025-0412", reason: str = "") -> str:
    return CDAR.format(code=code, when=when, number=number, reason=reason)


def _file(world: World, *, published: bool = False) -> str:
    filed = file_report(world.api, world.member, filing_payload())
    assert filed.status_code == 201, filed.json
    if published:
        world.clock.advance(days=16)
        world.tick()
        assert world.api.get(f"/reports/{filed.json['id']}", headers=world.member).json["status"] == "published"
    return str(filed.json["id"])


def _send(world: World, report_id: str, body: dict[str, Any], **headers: str) -> Any:
    return world.api.post(f"/reports/{report_id}/invoice-status", json=body, headers={**world.member, **headers})


def _public_reports(world: World) -> list[Any]:
    page = world.api.get(f"/companies/{DEBTOR_SIREN}")
    return list(page.json["reports"]) if page.status_code == 200 else []


@pytest.mark.parametrize(("code", "reason"), [(207, "other"), (210, "not_owed")])
def test_a_disputed_or_refused_invoice_takes_a_published_report_off_the_listing_until_a_moderator_decides(
    world: World, code: int, reason: str
) -> None:
    report_id = _file(world, published=True)
    assert len(_public_reports(world)) == 1
    sent = _send(world, report_id, {"code": code, "date": "2026-03-17", "note": "Livraison incomplète."})
    assert sent.status_code == 200, sent.json
    assert sent.json["effect"] == "disputed"
    report = sent.json["report"]
    assert report["status"] == "disputed"
    assert report["dispute"]["kind"] == "invoice_status"
    assert report["dispute"]["reason"] == reason
    assert report["dispute"]["was_published"] is True
    assert f"statut {code}" in report["dispute"]["text"] and "Livraison incomplète." in report["dispute"]["text"]
    assert [(s["code"], s["date"]) for s in report["invoice_statuses"]] == [(code, "2026-03-17")]
    assert _public_reports(world) == []
    queue = world.api.get("/moderation", headers=world.moderator).json["items"]
    assert [item["id"] for item in queue] == [report_id]
    # The moderator's decision ends the freeze like any dispute's.
    decided = world.api.post(
        f"/reports/{report_id}/moderation",
        json={"decision": "rejected", "note": "Litige fondé."},
        headers=world.moderator,
    )
    assert decided.json["status"] == "rejected"
    assert _public_reports(world) == []


def test_a_dispute_status_in_the_grace_period_stops_the_publication(world: World) -> None:
    report_id = _file(world)
    assert _send(world, report_id, {"code": 207, "date": "2026-03-02"}).json["report"]["status"] == "disputed"
    world.clock.advance(days=30)
    world.tick()
    assert world.api.get(f"/reports/{report_id}", headers=world.member).json["status"] == "disputed"
    assert _public_reports(world) == []


def test_a_dispute_status_upheld_by_the_moderator_lets_the_report_be_published(world: World) -> None:
    report_id = _file(world)
    _send(world, report_id, {"code": 207, "date": "2026-03-02"})
    world.clock.advance(days=20)
    upheld = world.api.post(
        f"/reports/{report_id}/moderation",
        json={"decision": "upheld", "note": "Litige non fondé."},
        headers=world.moderator,
    )
    assert upheld.json["status"] == "published"
    assert len(_public_reports(world)) == 1


@pytest.mark.parametrize("code", [211, 212])
def test_a_paid_invoice_settles_the_report_and_the_debtor_is_told(world: World, code: int) -> None:
    report_id = _file(world, published=True)
    sent = _send(world, report_id, {"code": code, "date": "2026-03-16"})
    assert sent.status_code == 200, sent.json
    assert sent.json["effect"] == "settled"
    report = sent.json["report"]
    assert report["status"] == "settled"
    assert report["settled_on"] == "2026-03-16"
    assert report["outstanding_cents"] == 0
    assert [p["amount_cents"] for p in report["payments"]] == [1_250_00]
    assert _public_reports(world) == []
    assert "Signalement clos : règlement enregistré" in subjects_to(world.mailer, DEBTOR_MAIL)


def test_a_payment_status_settles_a_report_frozen_by_an_earlier_dispute_status(world: World) -> None:
    report_id = _file(world)
    _send(world, report_id, {"code": 207, "date": "2026-03-02"})
    world.clock.advance(days=3)
    settled = _send(world, report_id, {"code": 212, "date": "2026-03-04"}).json["report"]
    assert settled["status"] == "settled"
    assert [s["code"] for s in settled["invoice_statuses"]] == [207, 212]
    assert world.api.get("/moderation", headers=world.moderator).json["items"] == []


@pytest.mark.parametrize("code", [200, 205, 208, 213])
def test_other_statuses_are_recorded_without_changing_the_report(world: World, code: int) -> None:
    report_id = _file(world)
    sent = _send(world, report_id, {"code": code, "date": "2026-03-01"})
    assert sent.status_code == 200, sent.json
    assert sent.json["effect"] == "recorded"
    assert "ne change pas le signalement" in sent.json["detail"]
    assert sent.json["report"]["status"] == "notified"
    assert sent.json["status"]["code"] == code
    assert sent.json["report"]["invoice_statuses"][0]["label"] == sent.json["status"]["label"] != str(code)


def test_an_unknown_status_code_or_an_impossible_date_is_refused(world: World) -> None:
    report_id = _file(world)
    unknown = _send(world, report_id, {"code": 299, "date": "2026-03-01"})
    assert unknown.status_code == 422
    assert [e["code"] for e in unknown.json["errors"]] == ["statut_facture_inconnu"]
    future = _send(world, report_id, {"code": 207, "date": "2026-03-03"})
    before_invoice = _send(world, report_id, {"code": 207, "date": "2025-11-30"})
    for refused in (future, before_invoice):
        assert refused.status_code == 422
        assert [e["code"] for e in refused.json["errors"]] == ["date_de_statut_invalide"]
    assert world.api.get(f"/reports/{report_id}", headers=world.member).json["invoice_statuses"] == []


def test_the_body_holds_a_code_and_a_date_or_a_cdar_message(world: World) -> None:
    report_id = _file(world)
    assert _send(world, report_id, {"code": 207}).json["errors"][0]["field"] == "date"
    both = _send(world, report_id, {"code": 207, "date": "2026-03-01", "cdar": cdar(code=207)})
    assert both.status_code == 400
    assert both.json["errors"][0]["code"] == "cdar_ou_code"


def test_a_cdar_message_gives_the_status_its_date_and_reason(world: World) -> None:
    report_id = _file(world, published=True)
    sent = _send(world, report_id, {"cdar": cdar(code=210, when="20260317091500", reason="Marchandise non conforme")})
    assert sent.status_code == 200, sent.json
    assert sent.json["effect"] == "disputed"
    status = sent.json["status"]
    assert (status["code"], status["date"], status["from_cdar"]) == (210, "2026-03-17", True)
    assert status["note"] == "Marchandise non conforme"
    assert "Marchandise non conforme" in sent.json["report"]["dispute"]["text"]


def test_a_cdar_message_about_another_invoice_or_unreadable_is_refused(world: World) -> None:
    report_id = _file(world)
    other = _send(world, report_id, {"cdar": cdar(code=207, number="F-2025-9999")})
    assert other.status_code == 422
    assert other.json["errors"][0]["code"] == "cdar_autre_facture"
    for text in ("<facture/>", "pas du XML", cdar(code=207).replace("<ram:ProcessConditionCode>207", "<ram:Process>")):
        refused = _send(world, report_id, {"cdar": text})
        assert refused.status_code == 422, text
        assert refused.json["errors"][0]["code"] == "cdar_illisible"
    bomb = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>' + (
        cdar(code=207).split("?>", 1)[1].replace("F-2025-0412", "&b;")
    )
    assert _send(world, report_id, {"cdar": bomb}).json["errors"][0]["code"] == "cdar_illisible"
    assert world.api.get(f"/reports/{report_id}", headers=world.member).json["status"] == "notified"


def test_the_same_status_sent_twice_changes_nothing_and_a_key_replays_the_answer(world: World) -> None:
    report_id = _file(world, published=True)
    first = _send(world, report_id, {"code": 207, "date": "2026-03-17"}, **{"Idempotency-Key": "cdv-1"})
    replayed = _send(world, report_id, {"code": 207, "date": "2026-03-17"}, **{"Idempotency-Key": "cdv-1"})
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json == first.json
    again = _send(world, report_id, {"code": 207, "date": "2026-03-17"})
    assert again.status_code == 200
    assert again.json["detail"] == "Ce statut avait déjà été reçu : rien n'a changé."
    assert len(again.json["report"]["invoice_statuses"]) == 1


def test_a_status_cannot_reopen_a_closed_report_nor_reach_another_members_report(world: World) -> None:
    report_id = _file(world)
    world.api.post(f"/reports/{report_id}/withdraw", headers=world.member)
    assert _send(world, report_id, {"code": 207, "date": "2026-03-01"}).status_code == 409
    assert _send(world, report_id, {"code": 212, "date": "2026-03-01"}).status_code == 409
    assert _send(world, "rpt_unknown", {"code": 207, "date": "2026-03-01"}).status_code == 404
    stranger = world.api.post(
        f"/reports/{report_id}/invoice-status", json={"code": 207, "date": "2026-03-01"}, headers=world.moderator
    )
    assert stranger.status_code == 403
