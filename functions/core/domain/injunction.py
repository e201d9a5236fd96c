"""Composing the court step of an unpaid case: the injonction de payer, or the petites créances request.

Pure: the case, the registry's identities and proceeding, the court the
creditor confirmed, the rate table and ``now`` in; a :class:`CourtRequest`
out. Only an ``unpaid`` case (its formal notice's deadline passed) gets one
(409 ``dossier-non-impaye``); the registry's gates apply as at the case's
opening (a ceased company, a collective proceeding: 422); petites créances
stop at 5,000 EUR in principal and interest (422). Each preparation is kept
on the case's timeline (:func:`request_prepared`), the latest one per
procedure being the one its PDF shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from functions.core.clock import today_in_paris
from functions.core.domain import schedules
from functions.core.domain.court_requests import (
    GREFFE_FEE_SOURCE,
    GREFFE_FEE_WORDING,
    LAWYER_THRESHOLD_CENTS,
    SMALL_CLAIM_LIMIT_CENTS,
    CheckItem,
    CheckState,
    CourtRequest,
    Exhibit,
    Litigant,
    Procedure,
)
from functions.core.domain.courts import Court
from functions.core.domain.penalties import DEFAULT_POINTS, Penalties, RateChange
from functions.core.domain.recovery import (
    STATUS_LABELS,
    CaseEvent,
    CaseStatus,
    EventKind,
    RecoveryCase,
    case_payments,
    case_penalties,
)
from functions.core.domain.registry import CompanyIdentity, Proceeding, registry_gates
from functions.core.domain.reports import Party
from functions.core.domain.scenarios import CHANNEL_LABELS, Channel, StepKind
from functions.core.errors import Conflict, FieldError, RuleNotMet
from functions.core.french import decimal, format_eur, long_date, percent

# INSEE's legal categories (level III) a request names most often; others are named by their code.
LEGAL_FORMS = {
    "1000": "Entrepreneur individuel",
    "5202": "Société en nom collectif",
    "5485": "Société d'exercice libéral à responsabilité limitée",
    "5498": "SARL unipersonnelle (EURL)",
    "5499": "Société à responsabilité limitée (SARL)",
    "5599": "Société anonyme à conseil d'administration",
    "5699": "Société anonyme à directoire",
    "5710": "Société par actions simplifiée (SAS)",
    "5720": "Société par actions simplifiée unipersonnelle (SASU)",
    "6540": "Société civile immobilière",
}


# The exhibit the case's timestamped record is produced as, and where the creditor gets its PDF.
RECORD_TITLE = "Relevé horodaté du dossier de recouvrement Ardoise"
RECORD_ROUTE = "GET /cases/{id}/record"


class CaseNotUnpaid(Conflict):
    slug = "dossier-non-impaye"
    title = "Dossier non impayé"


def legal_form(category: str) -> str:
    """The French name of an INSEE legal category ("5710": Société par actions simplifiée (SAS))."""
    return LEGAL_FORMS.get(category, f"catégorie juridique INSEE {category}" if category else "")


def litigant(party: Party, identity: CompanyIdentity | None) -> Litigant:
    """A party from the SIRENE register when it knows the SIREN (name, form, seat), else as the creditor typed it."""
    if identity is None:
        return Litigant(party.siren, party.name, "", party.postal_address, verified=False)
    # A record partially closed to diffusion comes with its name and address withheld (empty): the request
    # then names the party as the creditor typed it, and says it was not verified.
    seat = str(identity.head_office) if identity.head_office is not None else ""
    return Litigant(
        identity.siren,
        identity.name or party.name,
        legal_form(identity.legal_category),
        seat or party.postal_address,
        verified=bool(identity.name),
    )


def require_unpaid(case: RecoveryCase) -> None:
    """Only a case whose formal notice went unheeded goes to court."""
    if case.status is not CaseStatus.UNPAID:
        raise CaseNotUnpaid(
            "Seul un dossier resté impayé au terme de la mise en demeure peut aller en justice : "
            f"ce dossier est {_status_words(case)}.",
            extra={"status": case.status.value},
        )


def _status_words(case: RecoveryCase) -> str:
    return STATUS_LABELS[case.status]


def refuse_by_registry(debtor: CompanyIdentity | None, proceeding: Proceeding | None, case: RecoveryCase) -> None:
    """The registry's gates, as when the case opened: no request against a ceased company or one in proceedings."""
    gates = registry_gates(debtor, proceeding, invoice_issued=case.invoice.issue_date)
    if gates:
        raise RuleNotMet(gates[0].message, [FieldError("debtor", gate.code, gate.message) for gate in gates])


def _sent_words(case: RecoveryCase, event: CaseEvent) -> tuple[str, str]:
    assert event.step is not None and event.message is not None
    step = case.scenario.steps[event.step]
    channel = CHANNEL_LABELS[event.message.channel]
    title = f"{step.name} du {long_date(today_in_paris(event.at))} par {channel}"
    if step.kind is StepKind.FORMAL_NOTICE:
        deadline = today_in_paris(event.at) + timedelta(days=step.deadline_days)
        title += f" (Code civil art. 1344), délai de paiement au {long_date(deadline)}"
    how = (
        "préparé par Ardoise, posté par le créancier"
        if event.message.channel is Channel.LETTER
        else "envoyé par Ardoise"
    )
    return title, f"{how} ; empreinte SHA-256 {event.message.sha256}"


def exhibits(case: RecoveryCase, signed_document: str) -> tuple[Exhibit, ...]:
    """The documents produced with the request, from the case's records: the invoice, then each step and proof."""
    invoice, held = case.invoice, case.invoice_document()
    found = [
        (
            f"Facture n° {invoice.number} du {long_date(invoice.issue_date)}, échéance le "
            f"{long_date(invoice.due_date)}, {format_eur(invoice.amount_cents)}",
            # The invoice the case was opened with is Ardoise's to describe: its file and pinned digest.
            f"{held.filename}, jointe au dossier à son ouverture ; empreinte SHA-256 {held.sha256}"
            if held is not None
            else "copie jointe par le créancier",
        )
    ]
    if signed_document:
        found.append((f"Document signé par le débiteur : {signed_document}", "copie jointe par le créancier"))
    for event in case.events:
        if event.kind is EventKind.STEP_SENT and event.message is not None:
            found.append(_sent_words(case, event))
        elif event.kind is EventKind.DISPATCH_PROOF and event.document is not None and event.step is not None:
            step = case.scenario.steps[event.step]
            found.append(
                (
                    f"Preuve d'envoi de « {step.name} » ({event.document.filename})",
                    f"jointe au dossier le {long_date(today_in_paris(event.at))} ; "
                    f"empreinte SHA-256 {event.document.sha256}",
                )
            )
    proposals = [
        long_date(today_in_paris(event.at)) for event in case.events if event.kind is EventKind.SCHEDULE_PROPOSED
    ]
    found.append(
        (
            f"{RECORD_TITLE} {case.id}",
            "chronologie des relances, de la mise en demeure et des réponses du débiteur"
            + (f", dont sa proposition d'échéancier du {' et du '.join(proposals)}" if proposals else "")
            + " ; relevé établi par Ardoise, avec l'empreinte SHA-256 de chaque message envoyé et de chaque pièce",
        )
    )
    return tuple(Exhibit(number, title, detail) for number, (title, detail) in enumerate(found, start=1))


def _notice(case: RecoveryCase) -> CaseEvent | None:
    notices = [
        event
        for event in case.sent_steps()
        if event.step is not None and case.scenario.steps[event.step].kind is StepKind.FORMAL_NOTICE
    ]
    return notices[-1] if notices else None


def _basis(case: RecoveryCase, request: CourtRequest) -> tuple[str, ...]:
    invoice, creditor, debtor = case.invoice, request.creditor, request.debtor
    lines = [
        f"Créance de nature contractuelle (CPC art. 1405) : {creditor.name} a émis à l'ordre de {debtor.name} la "
        f"facture n° {invoice.number} du {long_date(invoice.issue_date)}, d'un montant de "
        f"{format_eur(invoice.amount_cents)}, payable au plus tard le {long_date(invoice.due_date)}."
    ]
    if case.description:
        lines.append(f"Objet : {case.description}")
    if request.principal_cents < invoice.amount_cents:
        paid = invoice.amount_cents - request.principal_cents
        payments = case_payments(case)
        dated = "; ".join(f"{format_eur(payment.cents)} le {long_date(payment.paid_on)}" for payment in payments)
        # A sum paid before the case opened has no date in Ardoise's records: the dated ones are then a part.
        part = "dont " if sum(payment.cents for payment in payments) < paid else ""
        lines.append(
            f"Après {format_eur(paid)} de paiements partiels{f' ({part}{dated})' if dated else ''}, il reste dû "
            f"{format_eur(request.principal_cents)}."
        )
    lines.extend(_schedule_words(case, request))
    reminders = sum(
        1
        for event in case.sent_steps()
        if event.step is not None and case.scenario.steps[event.step].kind is StepKind.REMINDER
    )
    notice = _notice(case)
    if notice is not None and notice.step is not None:
        deadline = today_in_paris(notice.at) + timedelta(days=case.scenario.steps[notice.step].deadline_days)
        before = f"{reminders} relance{'s' if reminders > 1 else ''} et " if reminders else ""
        lines.append(
            f"Malgré {before}une mise en demeure du "
            f"{long_date(today_in_paris(notice.at))} (Code civil art. 1344) restée sans effet au "
            f"{long_date(deadline)}, la somme n'a pas été payée."
        )
    penalties = request.penalties
    # In the order the half-years ran, each rate once ("puis" reads as time passing).
    rates = " puis ".join(f"{percent(p)} l'an" for p in dict.fromkeys(period.percent for period in penalties.periods))
    if penalties.periods:
        lines.append(
            f"Intérêts de retard (Code de commerce art. L. 441-10, taux BCE majoré de {decimal(penalties.points)} "
            f"points, soit {rates}) du {long_date(penalties.periods[0].start)} au {long_date(penalties.until)} : "
            f"{format_eur(penalties.interest_cents)}. Indemnité forfaitaire pour frais de recouvrement "
            f"(art. D. 441-5) : {format_eur(penalties.indemnity_cents)}."
        )
    if penalties.base_changed:
        lines.append(_breakdown(penalties))
    return tuple(lines)


def _breakdown(penalties: Penalties) -> str:
    """Each period of the interest with the principal it ran on: a payment changed it (art. 1407's décompte)."""
    periods = " ; ".join(
        f"du {long_date(p.start)} au {long_date(p.end)}, {p.days} jour{'s' if p.days > 1 else ''} à "
        f"{percent(p.percent)} l'an sur {format_eur(p.base_cents)} : {format_eur(p.cents)}"
        for p in penalties.periods
    )
    # Imputed on the principal: Code civil art. 1343-1 would impute on the interest first and claim more.
    return (
        "Décompte des intérêts, chaque paiement partiel étant imputé sur le principal à compter du lendemain "
        f"de sa date : {periods}."
    )


def _record_exhibit(request: CourtRequest) -> Exhibit | None:
    return next((e for e in request.exhibits if e.title.startswith(RECORD_TITLE)), None)


def _schedule_words(case: RecoveryCase, request: CourtRequest) -> list[str]:
    """The debtor's written acknowledgement of the debt: each schedule it proposed through its link, and its fate.

    Worded as facts Ardoise recorded (the date, the sum, the instalments), the judge draws the conclusion;
    "sans contester la créance" only when the debtor never contested it on the case.
    """
    record = _record_exhibit(request)
    cited = f" (pièce n° {record.number})" if record is not None else ""
    contested = any(event.kind is EventKind.CONTESTED for event in case.events)
    lines = []
    for event in case.events:
        if event.kind is EventKind.SCHEDULE_PROPOSED and event.instalments:
            count = len(event.instalments)
            line = (
                f"Le débiteur a proposé le {long_date(today_in_paris(event.at))}, par le lien privé de son dossier "
                f"sur Ardoise, un échéancier de paiement de {format_eur(schedules.total(event.instalments))} en "
                f"{count} échéance{'s' if count > 1 else ''} (du {long_date(event.instalments[0].due_on)} au "
                f"{long_date(event.instalments[-1].due_on)})" + ("" if contested else ", sans contester la créance")
            )
            lines.append(line + cited + ".")
        elif event.kind is EventKind.SCHEDULE_ACCEPTED:
            lines.append(f"Le créancier a accepté cet échéancier le {long_date(today_in_paris(event.at))}.")
        elif event.kind is EventKind.SCHEDULE_REFUSED:
            lines.append(f"Le créancier a refusé cet échéancier le {long_date(today_in_paris(event.at))}.")
        elif event.kind is EventKind.INSTALMENT_MISSED and event.instalment is not None:
            accepted = _accepted_before(case, event)
            if accepted:
                missed = accepted[event.instalment]
                lines.append(
                    f"L'échéance du {long_date(missed.due_on)} ({format_eur(missed.amount_cents)}) n'a pas été "
                    f"payée : les relances ont repris le {long_date(today_in_paris(event.at))}."
                )
    return lines


def _accepted_before(case: RecoveryCase, missed: CaseEvent) -> tuple[schedules.Instalment, ...]:
    """The instalments of the schedule accepted last before ``missed``."""
    accepted: tuple[schedules.Instalment, ...] = ()
    for event in case.events:
        if event is missed:
            break
        if event.kind is EventKind.SCHEDULE_ACCEPTED:
            accepted = event.instalments
    return accepted if missed.instalment is not None and missed.instalment < len(accepted) else ()


def _record_check(request: CourtRequest) -> list[CheckItem]:
    """The record is a piece the creditor downloads and joins, like the others: the checklist says where."""
    record = _record_exhibit(request)
    if record is None:
        return []
    return [
        CheckItem(
            "releve_horodate",
            CheckState.TO_DO,
            f"Joignez le relevé horodaté du dossier (pièce n° {record.number})",
            f"téléchargez-le le jour du dépôt ({RECORD_ROUTE}) : il reprend chaque envoi et chaque réponse du "
            "débiteur, avec leurs dates et empreintes",
        )
    ]


def _common_checks(request: CourtRequest, registry_known: bool, proceeding_known: bool) -> list[CheckItem]:
    checks = _record_check(request)
    if registry_known:
        checks.append(
            CheckItem(
                "aucune_procedure_collective",
                CheckState.DONE,
                "Aucune procédure collective ouverte contre le débiteur",
                f"d'après les annonces du BODACC importées par Ardoise, au {long_date(request.prepared_on)}"
                if proceeding_known
                else f"le répertoire SIRENE importé connaît le débiteur ; aucune annonce BODACC de procédure "
                f"collective importée au {long_date(request.prepared_on)}",
            )
        )
    else:
        checks.append(
            CheckItem(
                "procedure_collective_a_verifier",
                CheckState.WARNING,
                "Vérifiez au BODACC qu'aucune procédure collective n'est ouverte",
                "le répertoire importé par Ardoise ne connaît pas ce SIREN ; en cas de procédure ouverte, "
                "déclarez votre créance au mandataire judiciaire au lieu d'agir seul",
            )
        )
    if not request.debtor.verified:
        checks.append(
            CheckItem(
                "identite_a_verifier",
                CheckState.WARNING,
                "Vérifiez la dénomination, la forme et le siège du débiteur (extrait K bis)",
                "identité non vérifiée au répertoire SIRENE : la requête reprend ce que vous avez saisi",
            )
        )
    return checks


def _injunction_checks(
    case: RecoveryCase, request: CourtRequest, signed_document: str, registry_known: bool, proceeding_known: bool
) -> tuple[CheckItem, ...]:
    notice = _notice(case)
    proved = notice is not None and any(
        event.kind is EventKind.DISPATCH_PROOF and event.step == notice.step for event in case.events
    )
    emailed = notice is not None and notice.message is not None and notice.message.channel is not Channel.LETTER
    checks = [
        CheckItem(
            "document_signe",
            CheckState.DONE if signed_document else CheckState.TO_DO,
            "Un document signé par le débiteur (bon de commande, devis accepté, contrat)",
            signed_document
            or "joignez-le : le juge rend l'ordonnance sur pièces, sans lui la requête risque d'être rejetée",
        ),
        CheckItem(
            "preuve_mise_en_demeure",
            CheckState.DONE if proved or emailed else CheckState.TO_DO,
            "La mise en demeure et la preuve de son envoi",
            "envoyée par Ardoise, empreinte gardée au dossier"
            if emailed
            else "preuve d'envoi jointe au dossier"
            if proved
            else "joignez l'accusé de réception du recommandé (POST /cases/{id}/dispatch-proofs)",
        ),
        *_common_checks(request, registry_known, proceeding_known),
        # A preview (GET /cases/{id}/court) composes before the creditor confirmed a court: the line says so.
        CheckItem(
            "tribunal_confirme",
            CheckState.DONE,
            f"Juridiction : {request.court.name}",
            "celle du siège du débiteur (CPC art. 1406), confirmée par vous",
        )
        if request.court is not None
        else CheckItem(
            "tribunal_a_confirmer",
            CheckState.TO_DO,
            "Confirmez la juridiction du siège du débiteur (CPC art. 1406)",
            "choisissez-la parmi celles que propose la table d'Ardoise, ou indiquez-la",
        ),
        CheckItem(
            "frais_de_greffe",
            CheckState.INFO,
            f"Frais de greffe à régler au dépôt : {GREFFE_FEE_WORDING}",
            GREFFE_FEE_SOURCE,
        ),
        CheckItem(
            "signer_et_deposer",
            CheckState.TO_DO,
            "Datez, signez et déposez la requête au greffe, avec les pièces numérotées",
            "au greffe (papier) ou en ligne (Tribunal digital, Infogreffe)",
        ),
        CheckItem(
            "signification_et_opposition",
            CheckState.INFO,
            "L'ordonnance est signifiée au débiteur par commissaire de justice, dans les six mois (CPC art. 1411) ; "
            "le débiteur peut former opposition dans le mois qui suit la signification (CPC art. 1416)",
            "sans opposition dans ce délai, demandez au greffe l'apposition de la formule exécutoire (CPC art. 1422)",
        ),
        CheckItem(
            "avocat_en_cas_d_opposition",
            CheckState.WARNING if request.total_cents > LAWYER_THRESHOLD_CENTS else CheckState.INFO,
            "En cas d'opposition, un avocat est obligatoire au-delà de 10 000 € (CPC art. 761 et 853)",
            f"montant demandé : {format_eur(request.total_cents)}",
        ),
    ]
    return tuple(checks)


def _small_claim_checks(request: CourtRequest, registry_known: bool, proceeding_known: bool) -> tuple[CheckItem, ...]:
    ressort = f"de la cour d'appel de {request.appeal_court}" if request.appeal_court else "du siège du débiteur"
    return (
        CheckItem(
            "montant_petites_creances",
            CheckState.DONE,
            "Au plus 5 000 € en principal et intérêts (CPCE art. R. 125-1)",
            f"principal et intérêts : {format_eur(request.principal_cents + request.interest_cents)}",
        ),
        *_common_checks(request, registry_known, proceeding_known),
        CheckItem(
            "commissaire_competent",
            CheckState.TO_DO if not request.commissaire else CheckState.DONE,
            f"Un commissaire de justice du ressort {ressort}",
            request.commissaire
            or "choisissez-le dans l'annuaire des commissaires de justice et adressez-lui la lettre",
        ),
        CheckItem(
            "accord_du_debiteur",
            CheckState.INFO,
            "Le commissaire invite le débiteur à participer ; il a un mois pour accepter ou refuser "
            "(CPCE art. L. 125-1)",
            "accord sur le montant et les modalités : le commissaire délivre un titre exécutoire ; refus ou silence : "
            "l'injonction de payer reste possible",
        ),
        CheckItem(
            "frais_du_commissaire",
            CheckState.INFO,
            "Les frais de la procédure sont à la charge du créancier (tarif réglementé des commissaires de justice)",
        ),
    )


def small_claim_allowed(principal_cents: int, interest_cents: int) -> bool:
    """Whether the petites créances procedure is open: at most 5,000 EUR in principal and interest (R. 125-1)."""
    return principal_cents + interest_cents <= SMALL_CLAIM_LIMIT_CENTS


def offered_procedures(
    case: RecoveryCase, now: datetime, table: Sequence[RateChange], points: Decimal = DEFAULT_POINTS
) -> tuple[Procedure, ...]:
    """The procedures Ardoise offers for an unpaid case today: the injunction, and petites créances when small."""
    penalties = case_penalties(case, today_in_paris(now), table, points)
    if small_claim_allowed(case.outstanding_cents, penalties.interest_cents):
        return (Procedure.INJUNCTION, Procedure.SMALL_CLAIM)
    return (Procedure.INJUNCTION,)


def compose(
    procedure: Procedure,
    case: RecoveryCase,
    *,
    creditor: CompanyIdentity | None,
    debtor: CompanyIdentity | None,
    proceeding: Proceeding | None,
    proceeding_known: bool,
    court: Court | None,
    appeal_court: str,
    now: datetime,
    table: Sequence[RateChange],
    points: Decimal = DEFAULT_POINTS,
    signed_document: str = "",
    commissaire: str = "",
) -> CourtRequest:
    """The request for ``procedure`` from an unpaid case, as of ``now``; raise when a rule is not met."""
    require_unpaid(case)
    refuse_by_registry(debtor, proceeding, case)
    today = today_in_paris(now)
    penalties = case_penalties(case, today, table, points)
    if procedure is Procedure.SMALL_CLAIM and not small_claim_allowed(case.outstanding_cents, penalties.interest_cents):
        raise RuleNotMet(
            "La procédure des petites créances s'arrête à 5 000 € en principal et intérêts.",
            [
                FieldError(
                    "procedure",
                    "montant_trop_eleve_petites_creances",
                    f"Principal et intérêts à ce jour : {format_eur(case.outstanding_cents + penalties.interest_cents)}"
                    " : demandez une injonction de payer.",
                )
            ],
        )
    request = CourtRequest(
        procedure=procedure,
        case_id=case.id,
        prepared_at=now,
        prepared_on=today,
        creditor=litigant(case.creditor, creditor),
        debtor=litigant(case.debtor, debtor),
        court=court if procedure is Procedure.INJUNCTION else None,
        appeal_court=court.appeal_court if court is not None and not appeal_court else appeal_court,
        invoice=case.invoice,
        principal_cents=case.outstanding_cents,
        penalties=penalties,
        basis=(),
        exhibits=exhibits(case, signed_document),
        checklist=(),
        commissaire=commissaire,
    )
    registry_known = debtor is not None
    checks = (
        _injunction_checks(case, request, signed_document, registry_known, proceeding_known)
        if procedure is Procedure.INJUNCTION
        else _small_claim_checks(request, registry_known, proceeding_known)
    )
    return replace(request, basis=_basis(case, request), checklist=checks)


def request_prepared(case: RecoveryCase, request: CourtRequest, now: datetime, actor: str) -> RecoveryCase:
    """Keep the prepared request on the case's timeline (its state does not change: the creditor files it)."""
    require_unpaid(case)
    event = CaseEvent(EventKind.COURT_REQUEST_PREPARED, now, actor, status=case.status, court_request=request)
    return replace(case, events=(*case.events, event))


def latest_request(case: RecoveryCase, procedure: Procedure) -> CourtRequest | None:
    """The last request of ``procedure`` prepared on the case, None if none was."""
    for event in reversed(case.events):
        if event.court_request is not None and event.court_request.procedure is procedure:
            return event.court_request
    return None
