"""Recovery cases under the retention rules: a closed case goes 24 months after it closed, every case 5 years
after its invoice's due date, with its files; a debtor's proof nothing cited goes after a week; the right of
access lists the cases held about a company, on either side."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from functions.cli import main
from functions.cli.common import make_resources
from functions.core.clock import FixedClock
from functions.core.domain import recovery
from functions.core.domain.retention import case_delete_on
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import ConditionFailed
from functions.core.usecases.directory.retention import export_company, purge
from functions.core.usecases.recovery.debtor import case_token
from functions.core.usecases.recovery.retention import forget_uncited_proofs
from tests.directory.conftest import register, s3_directory
from tests.directory.factories import CREDITOR_SIREN, DEBTOR_SIREN
from tests.directory.proof import PROOF, upload_document
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload, make_case
from tests.recovery.test_case_report import RECEIPT as CASE_RECEIPT
from tests.recovery.test_case_report import file_from_case, invoice, unpaid_case
from tests.recovery.test_payment_proof import RECEIPT, declare, upload
from tests.store_state import stored_state

DISPATCH_RECEIPT = b"%PDF-1.4\n% Avis de reception LRAR 1A 987 654 3210 9\n%%EOF\n"


@pytest.fixture
def files_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The local evidence folder (var/evidence under the test's own folder)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path / "var" / "evidence"


def stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def open_case(desk: Desk) -> str:
    payload = case_payload(description="Escalier en chêne posé en janvier.")
    response = desk.api.post("/cases", json=payload, headers=desk.member)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def pay_in_full(desk: Desk, case_id: str) -> None:
    paid = desk.api.post(
        f"/cases/{case_id}/payments", json={"amount_cents": 2_400_00, "paid_on": "2026-03-02"}, headers=desk.member
    )
    assert paid.status_code == 200, paid.json
    assert paid.json["status"] == "paid"


def held_keys(resources: Resources, case_id: str) -> list[tuple[str, str]]:
    """Every stored key left of the test's only case (its item, files' records, debtor pointer, invoice key),
    the audit log aside."""
    return [
        key
        for key in stored_state(resources.store.backend)
        if not key[0].startswith("AUDIT#")
        and (case_id in key[0] + key[1] or key[0].startswith(("CASEKEY#", "DEBTORCASES#")))
    ]


def purged_cases(resources: Resources) -> int:
    return purge(resources)["cases"]


def test_a_paid_case_goes_24_months_after_its_payment_with_its_files_and_not_a_day_before(
    desk: Desk, files_root: Path
) -> None:
    case_id = open_case(desk)
    token = case_token(desk.resources, case_id)
    declared = declare(desk, token, upload(desk, token))
    assert declared.status_code == 200, declared.json
    pay_in_full(desk, case_id)  # Monday 2 March 2026, 10:00 in Paris
    assert len(stored_files(files_root)) == 1
    desk.clock.now = datetime(2028, 3, 1, 22, 59, tzinfo=UTC)  # 23:59 in Paris, the day before
    assert purged_cases(desk.resources) == 0
    assert desk.api.get(f"/cases/{case_id}", headers=desk.member).status_code == 200
    desk.clock.now = datetime(2028, 3, 1, 23, 0, tzinfo=UTC)  # midnight in Paris, 2 March 2028
    assert purged_cases(desk.resources) == 1
    assert purged_cases(desk.resources) == 0
    assert desk.api.get(f"/cases/{case_id}", headers=desk.member).status_code == 404
    assert desk.api.get(f"/debtor-cases/{token}").status_code == 404
    assert stored_files(files_root) == []
    assert held_keys(desk.resources, case_id) == []
    # The invoice's key went with it: the creditor may open a case on it again.
    assert desk.api.post("/cases", json=case_payload(), headers=desk.member).status_code == 201


def test_the_audit_log_keeps_a_deleted_case_s_figures_and_none_of_its_texts(desk: Desk, files_root: Path) -> None:
    case_id = open_case(desk)
    desk.api.post(f"/cases/{case_id}/withdraw", headers=desk.member)
    desk.clock.now = datetime(2028, 3, 2, 9, tzinfo=UTC)
    assert purged_cases(desk.resources) == 1
    events = desk.resources.store.audit.list_events(f"company:{DEBTOR_SIREN}")
    [deleted] = [event for event in events if event.action == "case.deleted"]
    assert deleted.actor == "system:retention" and deleted.after is None
    assert deleted.before is not None
    assert deleted.before["status"] == "withdrawn" and deleted.before["amount_cents"] == 2_400_00
    assert deleted.before["due_date"] == "2026-03-01" and deleted.before["closed_at"].startswith("2026-03-02")
    logged = json.dumps([event.before for event in events] + [event.after for event in events])
    for text in ("Escalier", "sge.fr", "rue de la Paix", "+336"):
        assert text not in logged


def test_an_unpaid_case_stays_until_5_years_after_its_due_date_with_its_letters(desk: Desk, files_root: Path) -> None:
    case_id = open_case(desk)
    for day in (4, 11, 18, 27):  # reminders, the formal notice by letter, its deadline past
        desk.tick_at(datetime(2026, 3, day, 8, tzinfo=UTC))
    assert desk.case(case_id)["status"] == "unpaid"
    # The creditor joins the registered letter's receipt: a document of its own, cited by the case.
    receipt = upload_document(desk.api, desk.member, kind="notice_proof", content=DISPATCH_RECEIPT)
    joined = desk.api.post(
        f"/cases/{case_id}/dispatch-proofs",
        json={"step": 2, "document_id": receipt.json["document_id"]},
        headers=desk.member,
    )
    assert joined.status_code == 200, joined.json
    files = stored_files(files_root)
    assert len(files) == 2 and [f for f in files if f.startswith(f"letters/{case_id}/")]
    desk.clock.now = datetime(2028, 4, 1, 9, tzinfo=UTC)  # a paid case would be gone by now
    assert purged_cases(desk.resources) == 0
    desk.clock.now = datetime(2031, 2, 28, 22, 59, tzinfo=UTC)  # the last minute of 28 February 2031, in Paris
    assert purged_cases(desk.resources) == 0
    assert desk.case(case_id)["status"] == "unpaid"
    desk.clock.now = datetime(2031, 2, 28, 23, 0, tzinfo=UTC)  # 1 March 2031: due 1 March 2026, 5 years on
    assert purged_cases(desk.resources) == 1
    assert stored_files(files_root) == []
    assert held_keys(desk.resources, case_id) == []
    assert [key for key in stored_state(desk.resources.store.backend) if key[0].startswith("MEMBERDOCS#")] == []


def test_a_contested_case_keeps_its_claim_until_the_5_years(desk: Desk, files_root: Path) -> None:
    case_id = open_case(desk)
    token = case_token(desk.resources, case_id)
    desk.api.post(f"/debtor-cases/{token}/contest", json={"reason": "other", "text": "Rien n'est dû ici."})
    case = desk.resources.store.cases.get_case(case_id)
    assert case is not None and case.status is recovery.CaseStatus.CONTESTED
    assert case_delete_on(case) == date(2031, 3, 1)


def test_a_running_case_forgotten_by_the_engine_goes_at_5_years_all_the_same(
    resources: Resources, clock: FixedClock
) -> None:
    # Opened late on an old invoice: its steps are long due, it waits in the engine's queue.
    case = make_case(issue_date=date(2021, 1, 30), due_date=date(2021, 3, 3))
    resources.store.cases.open_case(case, actor="test")
    assert purged_cases(resources) == 0  # Monday 2 March 2026: due 3 March 2021, held until 2 March 2026 included
    clock.advance(days=1)
    assert purged_cases(resources) == 1
    assert resources.store.cases.get_case(case.id) is None


def test_a_running_case_whose_next_step_comes_after_its_deletion_day_is_found_on_that_day(
    resources: Resources, clock: FixedClock
) -> None:
    case = make_case(issue_date=date(2021, 1, 30), due_date=date(2021, 3, 10))
    # Its next step planned a year on (a long scenario): the deletion day, 10 March 2026, comes first.
    later = recovery.sending_moment(date(2027, 3, 10))
    resources.store.cases.open_case(replace(case, next_action_at=later), actor="test")
    clock.now = datetime(2026, 3, 9, 9, tzinfo=UTC)
    assert purged_cases(resources) == 0
    clock.now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    assert purged_cases(resources) == 1


def test_a_case_changed_since_it_was_read_is_not_deleted(resources: Resources) -> None:
    stored = resources.store.cases.open_case(make_case(), actor="test")
    resources.store.cases.save(stored, recovery.withdrawn(stored, resources.clock(), "test"), actor="test", action="x")
    with pytest.raises(ConditionFailed):
        resources.store.cases.delete_case(stored, actor="test")
    assert resources.store.cases.get_case(stored.id) is not None


def test_an_uncited_proof_is_forgotten_after_a_week_while_the_cited_one_stays(desk: Desk, files_root: Path) -> None:
    case_id = open_case(desk)
    token = case_token(desk.resources, case_id)
    cited = upload(desk, token)
    forgotten = upload(desk, token, b"%PDF-1.4 un autre virement")
    assert declare(desk, token, cited).status_code == 200
    assert len(stored_files(files_root)) == 2
    desk.clock.advance(days=6, hours=23)
    purge(desk.resources)  # the member's registration cooldowns go, not the proofs
    assert len(stored_files(files_root)) == 2
    desk.clock.advance(hours=1)
    purge(desk.resources)
    case = desk.resources.store.cases.get_case(case_id)
    assert case is not None
    assert [e.id for e in desk.resources.store.cases.list_evidence(case)] == [cited]
    assert stored_files(files_root) == [f"{case_id}/{cited}"]
    kept = desk.api.get(f"/cases/{case_id}/evidence/{cited}", headers=desk.member)
    assert kept.status_code == 200 and kept.data == RECEIPT
    # The forgotten one can no longer be cited; nothing more goes at the next purge.
    desk.api.post(f"/cases/{case_id}/resume", headers=desk.member)
    refused = declare(desk, token, forgotten)
    assert refused.status_code == 422 and refused.json["errors"][0]["code"] == "piece_manquante"
    assert forget_uncited_proofs(desk.resources) == 0


def test_a_proof_forgotten_between_its_check_and_its_citation_is_refused(desk: Desk, files_root: Path) -> None:
    case_id = open_case(desk)
    token = case_token(desk.resources, case_id)
    evidence_id = upload(desk, token)
    case = desk.resources.store.cases.get_case(case_id)
    assert case is not None
    [evidence] = desk.resources.store.cases.list_evidence(case)
    desk.clock.advance(days=7)
    assert desk.resources.store.cases.purge_uncited_proofs(desk.clock(), actor="test") == (1, [evidence.key])
    # The declaration read the file before the purge and saves after it: the save writes nothing.
    after = recovery.payment_declared(
        case, amount_cents=1_00, paid_on=date(2026, 3, 2), text="", now=desk.clock(), actor="x", evidence=evidence
    )
    with pytest.raises(Exception, match=evidence_id) as raised:
        desk.resources.store.cases.save(case, after, actor="x", action="case.payment_declared")
    assert type(raised.value).__name__ == "EvidenceGone"
    assert desk.case(case_id)["status"] == "running"


def test_a_case_s_files_on_s3_go_with_it(
    aws: None, resources: Resources, mailer: OutboxMailer, clock: FixedClock
) -> None:
    bucket = s3_directory(resources, mailer, "pieces")
    member = {"Authorization": register(bucket.api, mailer)}
    case_id = bucket.api.post("/cases", json=case_payload(), headers=member).json["id"]
    token = case_token(bucket.resources, case_id)
    started = bucket.api.post(
        f"/debtor-cases/{token}/evidence",
        json={"filename": "virement.pdf", "content_type": "application/pdf", "size": len(RECEIPT)},
    )
    assert started.status_code == 201 and started.json["method"] == "POST"
    bucket.s3.put_object(Bucket="ardoise-pieces", Key=started.json["fields"]["key"], Body=RECEIPT)
    payment: dict[str, Any] = {"amount_cents": 2_400_00, "paid_on": "2026-03-02", "text": "VIR-0412"}
    declared = bucket.api.post(
        f"/debtor-cases/{token}/payment", json={**payment, "evidence_id": started.json["evidence_id"]}
    )
    assert declared.status_code == 200, declared.json
    pay = {"amount_cents": 2_400_00, "paid_on": "2026-03-02"}
    assert bucket.api.post(f"/cases/{case_id}/payments", json=pay, headers=member).status_code == 200
    assert bucket.s3.list_objects_v2(Bucket="ardoise-pieces", Prefix="pieces/")["KeyCount"] == 1
    clock.now = datetime(2028, 3, 2, 9, tzinfo=UTC)
    assert purge(bucket.resources)["cases"] == 1
    assert bucket.s3.list_objects_v2(Bucket="ardoise-pieces", Prefix="pieces/")["KeyCount"] == 0


def test_the_right_of_access_lists_the_cases_against_a_company_and_its_members_own(
    desk: Desk, files_root: Path
) -> None:
    case_id = open_case(desk)
    token = case_token(desk.resources, case_id)
    evidence_id = upload(desk, token)
    assert declare(desk, token, evidence_id).status_code == 200
    as_debtor = export_company(desk.resources, DEBTOR_SIREN)
    [case] = as_debtor["cases_as_debtor"]
    assert case["id"] == case_id and case["description"] == "Escalier en chêne posé en janvier."
    assert [event["kind"] for event in case["events"]] == ["opened", "payment_declared"]
    assert case["events"][1]["text"] == "VIR-0412"
    assert [(e["id"], e["filename"], e["declared_bytes"]) for e in case["evidence"]] == [
        (evidence_id, "virement.pdf", len(RECEIPT))
    ]
    assert as_debtor["cases_as_creditor"] == []
    as_creditor = export_company(desk.resources, CREDITOR_SIREN)
    assert [c["id"] for c in as_creditor["cases_as_creditor"]] == [case_id]
    assert as_creditor["cases_as_debtor"] == []
    # Nothing exported opens the debtor's page: its token is derived, never stored.
    exported = json.dumps([as_debtor, as_creditor], ensure_ascii=False)
    assert token not in exported and token.removeprefix("ard_dos_")[16:] not in exported
    assert desk.resources.settings.secret_key not in exported and '"sending"' not in exported


def test_ardoise_purge_counts_the_cases_it_deleted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("ARDOISE_MAILER", f"outbox:{tmp_path}/outbox")
    monkeypatch.chdir(tmp_path)
    store = make_resources().store
    for number in ("F-2020-01", "F-2020-02"):  # due in 2020: past the 5 years whatever today is
        store.cases.open_case(
            make_case(
                id=f"case_{number[-2:]:0>16}", number=number, issue_date=date(2020, 1, 2), due_date=date(2020, 2, 1)
            ),
            actor="test",
        )
    store.cases.open_case(make_case(id="case_recent", due_date=date(2099, 1, 1)), actor="test")
    purged = CliRunner().invoke(main, ["purge", "--json"])
    assert purged.exit_code == 0, purged.stderr
    assert json.loads(purged.stdout) == {"reports": 0, "cases": 2, "expired_records": 0}
    table = CliRunner().invoke(main, ["purge"])
    assert (
        "recovery cases" in table.stdout
        and json.loads(CliRunner().invoke(main, ["purge", "--json"]).stdout)["cases"] == 0
    )
    assert store.cases.get_case("case_recent") is not None


def filed_from_unpaid_case(desk: Desk) -> tuple[str, str, str]:
    """An unpaid case with its notice's proof of dispatch, the report filed from it (under review), and the
    proof's document id."""
    case_id = unpaid_case(desk)
    filed = file_from_case(desk, case_id, documents=[invoice(desk)])
    assert filed.status_code == 201, filed.json
    [proof] = [event["document"]["id"] for event in desk.case(case_id)["timeline"] if event["kind"] == "dispatch_proof"]
    return case_id, str(filed.json["id"]), str(proof)


def held_document(desk: Desk, files_root: Path, document_id: str) -> tuple[bool, bool]:
    """Whether a member's document is still held: its record, its file."""
    records = [key for key in stored_state(desk.resources.store.backend) if key[1] == f"DOCUMENT#{document_id}"]
    files = [path for path in files_root.rglob(document_id) if path.is_file()]
    return bool(records), bool(files) and files[0].read_bytes() == CASE_RECEIPT


def test_a_deleted_case_leaves_the_proof_of_dispatch_its_report_still_carries(desk: Desk, files_root: Path) -> None:
    case_id, report_id, proof = filed_from_unpaid_case(desk)
    paid = {"amount_cents": 2_400_00, "paid_on": "2026-03-20"}
    assert desk.api.post(f"/cases/{case_id}/payments", json=paid, headers=desk.member).status_code == 200
    desk.clock.now = datetime(2028, 3, 27, 9, tzinfo=UTC)  # 24 months after the payment was recorded
    assert purge(desk.resources)["cases"] == 1
    assert desk.resources.store.reports.get_report(report_id) is not None
    assert held_document(desk, files_root, proof) == (True, True)
    assert not [path for path in files_root.rglob("*") if "letters" in path.parts and path.is_file()]


def test_a_deleted_report_leaves_the_proof_of_dispatch_its_case_still_cites(desk: Desk, files_root: Path) -> None:
    case_id, report_id, proof = filed_from_unpaid_case(desk)
    withdrawn = desk.api.post(f"/reports/{report_id}/withdraw", headers=desk.member)
    assert withdrawn.status_code == 200, withdrawn.json
    desk.clock.now = datetime(2028, 3, 28, 9, tzinfo=UTC)  # 24 months after the withdrawal
    assert purge(desk.resources)["reports"] == 1
    assert desk.resources.store.reports.get_report(report_id) is None
    assert held_document(desk, files_root, proof) == (True, True)
    assert desk.case(case_id)["status"] == "unpaid"
    desk.clock.now = datetime(2031, 3, 1, 9, tzinfo=UTC)  # the case's 5 years: the proof goes with it
    assert purge(desk.resources)["cases"] == 1
    assert held_document(desk, files_root, proof) == (False, False)


def test_a_deleted_case_takes_the_invoice_it_was_opened_with_unless_its_report_still_carries_it(
    desk: Desk, files_root: Path
) -> None:
    _, content = PROOF["invoice"]

    def invoice_document() -> str:
        document = upload_document(desk.api, desk.member, kind="invoice", content=content, filename="facture.pdf")
        assert document.status_code == 201, document.json
        return str(document.json["document_id"])

    alone_document = invoice_document()
    alone = desk.api.post("/cases", json=case_payload(documents=[alone_document]), headers=desk.member)
    assert alone.status_code == 201, alone.json
    assert desk.api.post(f"/cases/{alone.json['id']}/withdraw", headers=desk.member).status_code == 200
    reported_document = invoice_document()
    reported = unpaid_case(desk, number="F-2026-0118", documents=[reported_document])
    report = file_from_case(desk, reported)  # carries the case's invoice, no second upload
    assert report.status_code == 201, report.json
    paid = {"amount_cents": 2_400_00, "paid_on": "2026-03-27"}
    assert desk.api.post(f"/cases/{reported}/payments", json=paid, headers=desk.member).status_code == 200
    desk.clock.now = datetime(2028, 4, 1, 9, tzinfo=UTC)  # 24 months after both closed
    assert purge(desk.resources)["cases"] == 2

    def held(document_id: str) -> tuple[bool, bool]:
        records = [key for key in stored_state(desk.resources.store.backend) if key[1] == f"DOCUMENT#{document_id}"]
        return bool(records), any(path.is_file() for path in files_root.rglob(document_id))

    assert held(alone_document) == (False, False)
    assert held(reported_document) == (True, True)  # the report filed from its case still carries it
    assert desk.resources.store.reports.get_report(str(report.json["id"])) is not None
