"""Write the registry samples beside this file: small files in the real layouts of INSEE's and DILA's exports.

Run ``python tests/registry/samples/generate.py`` to rewrite them (deterministic).
The first rows are the awkward cases the tests name (``CASES``); the rest are
plain filler so that the files run to a few hundred lines, like a slice of the
real ones.
"""

from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[2]))

from functions.core.identifiers import with_check_digit  # noqa: E402 - the checkout's root is put on the path first

UNIT_HEADER = [
    "siren",
    "statutDiffusionUniteLegale",
    "unitePurgeeUniteLegale",
    "dateCreationUniteLegale",
    "sigleUniteLegale",
    "sexeUniteLegale",
    "prenom1UniteLegale",
    "prenom2UniteLegale",
    "prenom3UniteLegale",
    "prenom4UniteLegale",
    "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale",
    "identifiantAssociationUniteLegale",
    "trancheEffectifsUniteLegale",
    "anneeEffectifsUniteLegale",
    "dateDernierTraitementUniteLegale",
    "nombrePeriodesUniteLegale",
    "categorieEntreprise",
    "anneeCategorieEntreprise",
    "dateDebut",
    "etatAdministratifUniteLegale",
    "nomUniteLegale",
    "nomUsageUniteLegale",
    "denominationUniteLegale",
    "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale",
    "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale",
    "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale",
]

ESTABLISHMENT_HEADER = [
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement",
    "dateDernierTraitementEtablissement",
    "etablissementSiege",
    "nombrePeriodesEtablissement",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement",
    "codeCommuneEtablissement",
    "codeCedexEtablissement",
    "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement",
    "identifiantAdresseEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "complementAdresse2Etablissement",
    "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement",
    "typeVoie2Etablissement",
    "libelleVoie2Etablissement",
    "codePostal2Etablissement",
    "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement",
    "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement",
    "codeCedex2Etablissement",
    "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement",
    "libellePaysEtranger2Etablissement",
    "dateDebut",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
]

BODACC_FIELDS = [
    "id",
    "publicationavis",
    "publicationavis_facette",
    "typeavis",
    "typeavis_lib",
    "familleavis",
    "familleavis_lib",
    "numerodossier",
    "numeroannonce",
    "ville",
    "dateparution",
    "numerodepartement",
    "cp",
    "tribunal",
    "registre",
    "commercant",
    "listepersonnes",
    "listeetablissements",
    "jugement",
    "acte",
    "modificationsgenerales",
    "radiationaurcs",
    "depot",
    "listeprecedentexploitant",
    "listeprecedentproprietaire",
    "divers",
    "parutionavisprecedent",
    "url_complete",
]

# The cases the tests name; SIRENs are valid (Luhn).
SA = "552100554"  # a société anonyme, name with a comma and quotes
CEASED = with_check_digit("41234567")  # ceased on 3 March 2021
SOLE_TRADER = with_check_digit("81234567")  # an entrepreneur individuel, diffusible
PROTECTED = with_check_digit("89876543")  # a natural person who objected: [ND] everywhere
REDRESSEMENT = with_check_digit("53311122")  # redressement judiciaire opened, still open
CLOSED = with_check_digit("44455566")  # liquidation opened then closed
SAUVEGARDE = with_check_digit("77788899")  # sauvegarde, then a plan
GROUP = with_check_digit("39911122")  # named with the redressement one in a notice's registre
CANCELLED = with_check_digit("61122233")  # a liquidation notice later cancelled


def unit(siren: str, **fields: str) -> dict[str, str]:
    row = dict.fromkeys(UNIT_HEADER, "")
    row.update(
        siren=siren, statutDiffusionUniteLegale="O", unitePurgeeUniteLegale="", dateCreationUniteLegale="2012-04-02",
        trancheEffectifsUniteLegale="11", anneeEffectifsUniteLegale="2022",
        dateDernierTraitementUniteLegale="2024-03-22T14:22:05", nombrePeriodesUniteLegale="3",
        categorieEntreprise="PME", anneeCategorieEntreprise="2022", dateDebut="2019-01-01",
        etatAdministratifUniteLegale="A", categorieJuridiqueUniteLegale="5710", activitePrincipaleUniteLegale="43.32A",
        nomenclatureActivitePrincipaleUniteLegale="NAFRev2", nicSiegeUniteLegale="00017",
        economieSocialeSolidaireUniteLegale="N", caractereEmployeurUniteLegale="O",
    )  # fmt: skip
    row.update(fields)
    return row


def establishment(siren: str, nic: str, **fields: str) -> dict[str, str]:
    row = dict.fromkeys(ESTABLISHMENT_HEADER, "")
    row.update(
        siren=siren, nic=nic, siret=siren + nic, statutDiffusionEtablissement="O",
        dateCreationEtablissement="2012-04-02", trancheEffectifsEtablissement="11", anneeEffectifsEtablissement="2022",
        dateDernierTraitementEtablissement="2024-03-22T14:22:05", etablissementSiege="true",
        nombrePeriodesEtablissement="2", numeroVoieEtablissement="12", typeVoieEtablissement="RUE",
        libelleVoieEtablissement="DE LA REPUBLIQUE", codePostalEtablissement="69002",
        libelleCommuneEtablissement="LYON", codeCommuneEtablissement="69382", identifiantAdresseEtablissement="",
        coordonneeLambertAbscisseEtablissement="842612.4", coordonneeLambertOrdonneeEtablissement="6519003.1",
        dateDebut="2019-01-01", etatAdministratifEtablissement="A", activitePrincipaleEtablissement="43.32A",
        nomenclatureActivitePrincipaleEtablissement="NAFRev2", caractereEmployeurEtablissement="O",
    )  # fmt: skip
    row.update(fields)
    return row


CASE_UNITS = [
    unit(
        SA,
        denominationUniteLegale='SOCIETE "LES ATELIERS REUNIS", BATIMENT ET TRAVAUX',
        categorieJuridiqueUniteLegale="5599",
        sigleUniteLegale="SLAR",
    ),
    unit(CEASED, denominationUniteLegale="MENUISERIE BERTIN", etatAdministratifUniteLegale="C", dateDebut="2021-03-03"),
    unit(
        SOLE_TRADER,
        categorieJuridiqueUniteLegale="1000",
        sexeUniteLegale="F",
        prenom1UniteLegale="CLAIRE",
        prenom2UniteLegale="ANNE",
        prenomUsuelUniteLegale="CLAIRE",
        nomUniteLegale="DUMONT",
        nomUsageUniteLegale="",
        activitePrincipaleUniteLegale="74.10Z",
        caractereEmployeurUniteLegale="N",
    ),
    unit(
        PROTECTED,
        statutDiffusionUniteLegale="P",
        categorieJuridiqueUniteLegale="1000",
        sexeUniteLegale="[ND]",
        prenom1UniteLegale="[ND]",
        prenomUsuelUniteLegale="[ND]",
        nomUniteLegale="[ND]",
        nomUsageUniteLegale="[ND]",
        dateCreationUniteLegale="[ND]",
        nicSiegeUniteLegale="00012",
    ),
    unit(
        REDRESSEMENT,
        denominationUniteLegale="TRANSPORTS GIRAUD ET FILS",
        categorieJuridiqueUniteLegale="5499",
        nicSiegeUniteLegale="00025",
    ),
    unit(
        CLOSED,
        denominationUniteLegale="IMPRIMERIE DU CENTRE",
        etatAdministratifUniteLegale="C",
        dateDebut="2023-11-30",
        trancheEffectifsUniteLegale="NN",
        anneeEffectifsUniteLegale="",
    ),
    unit(SAUVEGARDE, denominationUniteLegale="CHARPENTES DU VERCORS", categorieJuridiqueUniteLegale="5710"),
    unit(GROUP, denominationUniteLegale="GIRAUD HOLDING", categorieJuridiqueUniteLegale="5710"),
    unit(
        CANCELLED,
        denominationUniteLegale="BOULANGERIE MARTIN",
        dateDernierTraitementUniteLegale="",
        dateDebut="",
        trancheEffectifsUniteLegale="",
        dateCreationUniteLegale="",
    ),
    unit(
        "123456789", denominationUniteLegale="PAS UN SIREN VALIDE MAIS NEUF CHIFFRES"
    ),  # INSEE never writes one; kept as is
    unit("12345", denominationUniteLegale="LIGNE ABIMEE"),  # not nine digits: skipped
]
CASE_ESTABLISHMENTS = [
    establishment(
        SA,
        "00017",
        complementAdresseEtablissement='LIEU-DIT "LE MOULIN", BAT A',
        numeroVoieEtablissement="3",
        indiceRepetitionEtablissement="B",
        typeVoieEtablissement="AV",
        libelleVoieEtablissement="DES CHAMPS",
        codePostalEtablissement="75008",
        libelleCommuneEtablissement="PARIS 8",
        codeCommuneEtablissement="75108",
    ),
    establishment(
        SA,
        "00025",
        etablissementSiege="false",
        libelleVoieEtablissement="DU PORT",
        codePostalEtablissement="13002",
        libelleCommuneEtablissement="MARSEILLE",
    ),
    establishment(
        CEASED,
        "00017",
        etatAdministratifEtablissement="F",
        libelleVoieEtablissement="DES TANNEURS",
        codePostalEtablissement="21000",
        libelleCommuneEtablissement="DIJON",
        codeCommuneEtablissement="21231",
    ),
    establishment(
        SOLE_TRADER,
        "00017",
        numeroVoieEtablissement="8",
        typeVoieEtablissement="IMP",
        libelleVoieEtablissement="DES LILAS",
        codePostalEtablissement="33000",
        libelleCommuneEtablissement="BORDEAUX",
        codeCommuneEtablissement="33063",
    ),
    establishment(
        PROTECTED,
        "00012",
        statutDiffusionEtablissement="P",
        numeroVoieEtablissement="[ND]",
        typeVoieEtablissement="[ND]",
        libelleVoieEtablissement="[ND]",
        codePostalEtablissement="44000",
        libelleCommuneEtablissement="NANTES",
        codeCommuneEtablissement="44109",
        coordonneeLambertAbscisseEtablissement="[ND]",
        coordonneeLambertOrdonneeEtablissement="[ND]",
    ),
    establishment(REDRESSEMENT, "00017", etablissementSiege="false", libelleVoieEtablissement="ANCIEN SIEGE"),
    establishment(
        REDRESSEMENT,
        "00025",
        numeroVoieEtablissement="140",
        typeVoieEtablissement="BD",
        libelleVoieEtablissement="DE LA LIBERTE",
        codePostalEtablissement="38000",
        libelleCommuneEtablissement="GRENOBLE",
        codeCommuneEtablissement="38185",
    ),
    establishment(
        SAUVEGARDE,
        "00017",
        numeroVoieEtablissement="",
        typeVoieEtablissement="",
        libelleVoieEtablissement="ZA LES ISLES",
        codePostalEtablissement="38250",
        libelleCommuneEtablissement="VILLARD-DE-LANS",
        codeCommuneEtablissement="38548",
    ),
]

TRADES = ("MENUISERIE", "TRANSPORTS", "BOULANGERIE", "PLOMBERIE", "GARAGE", "ELECTRICITE", "MACONNERIE", "TRAITEUR")
NAMES = ("MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU")
STREETS = ("DE LA GARE", "DU MOULIN", "VICTOR HUGO", "DES ECOLES", "JEAN JAURES", "DE L'EGLISE")
CITIES = (("69003", "LYON", "69383"), ("31000", "TOULOUSE", "31555"), ("59000", "LILLE", "59350"))


def filler(count: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    rng = random.Random(11)
    units, establishments = [], []
    for n in range(count):
        siren = with_check_digit(f"{30_000_000 + n * 7919:08d}")
        form = rng.choice(("5499", "5710", "5720", "1000"))
        if form == "1000":
            units.append(
                unit(
                    siren,
                    categorieJuridiqueUniteLegale=form,
                    prenom1UniteLegale="JEAN",
                    prenomUsuelUniteLegale="JEAN",
                    nomUniteLegale=rng.choice(NAMES),
                )
            )
        else:
            units.append(
                unit(
                    siren,
                    categorieJuridiqueUniteLegale=form,
                    denominationUniteLegale=f"{rng.choice(TRADES)} {rng.choice(NAMES)}",
                )
            )
        postal, city, code = rng.choice(CITIES)
        establishments.append(
            establishment(
                siren,
                "00017",
                numeroVoieEtablissement=str(rng.randint(1, 200)),
                libelleVoieEtablissement=rng.choice(STREETS),
                codePostalEtablissement=postal,
                libelleCommuneEtablissement=city,
                codeCommuneEtablissement=code,
            )
        )
        if rng.random() < 0.3:
            establishments.append(
                establishment(siren, "00025", etablissementSiege="false", libelleVoieEtablissement="SECONDAIRE")
            )
    return units, establishments


def notice(  # noqa: PLR0917 - the sample rows read as a table
    notice_id: str, registre: list[str], family: str, nature: str, judged: str, published: str, **extra: object
) -> dict[str, object]:
    record: dict[str, object] = dict.fromkeys(BODACC_FIELDS)
    record.update(
        id=notice_id, publicationavis="A", publicationavis_facette="Bodacc A", typeavis="annonce",
        typeavis_lib="Avis initial", familleavis="collective", familleavis_lib="Procédures collectives",
        numerodossier="0", numeroannonce=notice_id[9:], dateparution=published, numerodepartement="38", cp="38000",
        ville="Grenoble", tribunal="TRIBUNAL DE COMMERCE DE GRENOBLE", registre=registre,
        jugement=json.dumps({"type": "initial", "famille": family, "nature": nature, "date": judged,
                             "complementJugement": "Mandataire judiciaire : SELARL MJ Alpes, 5 rue Félix Poulat, 38000 Grenoble. Les créances sont à déclarer dans les deux mois de la publication au BODACC."}, ensure_ascii=False),  # noqa: E501
        url_complete=f"https://www.bodacc.fr/pages/annonces-commerciales-detail/?q.id=id:{notice_id}",
    )  # fmt: skip
    record.update(extra)
    return record


def spaced(siren: str) -> str:
    return f"{siren[:3]} {siren[3:6]} {siren[6:]}"


def notices() -> list[dict[str, object]]:
    records = [
        notice("A202400451201", [spaced(REDRESSEMENT), REDRESSEMENT, spaced(GROUP), GROUP], "Jugement d'ouverture",
               "Jugement d'ouverture d'une procédure de redressement judiciaire", "2024-03-01", "2024-03-08"),
        notice("A202300981544", [spaced(CLOSED), CLOSED], "Jugement d'ouverture",
               "Jugement d'ouverture de liquidation judiciaire", "2023-05-10", "2023-05-17"),
        notice("A202302201107", [spaced(CLOSED), CLOSED], "Jugement de clôture",
               "Jugement de clôture pour insuffisance d'actif", "2023-11-20", "2023-11-28"),
        notice("A202200411893", [spaced(SAUVEGARDE), SAUVEGARDE], "Jugement d'ouverture",
               "Jugement d'ouverture d'une procédure de sauvegarde", "2022-02-14", "2022-02-27"),
        notice("A202201900412", [spaced(SAUVEGARDE), SAUVEGARDE], "Jugement arrêtant le plan",
               "Jugement arrêtant le plan de sauvegarde", "2022-09-12", "2022-09-30"),
        notice("A202400601333", [spaced(CANCELLED), CANCELLED], "Jugement d'ouverture",
               "Jugement d'ouverture de liquidation judiciaire", "2024-03-20", "2024-03-27"),
        notice("A202400651009", [spaced(CANCELLED), CANCELLED], "Jugement d'ouverture",
               "Jugement d'ouverture de liquidation judiciaire", "2024-03-20", "2024-04-03", typeavis="annulation",
               typeavis_lib="Avis d'annulation", jugement=None,
               parutionavisprecedent=json.dumps({"nomPublication": "BODACC A", "numeroParution": "20240060",
                                                 "dateParution": "2024-03-27", "numeroAnnonce": "1333"})),
        notice("A202400451299", [spaced(SA)], "", "", "", "2024-03-08", familleavis="modification",
               familleavis_lib="Modifications diverses", jugement=None),
        notice("A202400451300", ["123 456 78"], "Jugement d'ouverture",
               "Jugement d'ouverture de liquidation judiciaire", "2024-03-01", "2024-03-08"),  # no valid SIREN
        notice("A202400451301", [spaced(SA)], "", "", "", "2024-03-08", jugement="{pas du json"),
    ]  # fmt: skip
    rng = random.Random(3)
    for n in range(240):
        siren = with_check_digit(f"{30_000_000 + n * 7919:08d}")
        family = rng.choice(("collective", "immatriculation", "vente", "modification", "radiation"))
        records.append(
            notice(f"A2024{n:04d}{n:04d}", [spaced(siren), siren], "Jugement d'ouverture",
                   "Jugement d'ouverture d'une procédure de redressement judiciaire", "2024-01-15", "2024-01-25",
                   familleavis=family, jugement=None if family != "collective" else rng.choice((None, json.dumps({"famille": "Avis de dépôt", "nature": "Avis de dépôt de l'état des créances", "date": "2024-01-10"}))))  # noqa: E501
        )  # fmt: skip
    return records


def main() -> None:
    filler_units, filler_establishments = filler(300)
    with (HERE / "StockUniteLegale_sample.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, UNIT_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(CASE_UNITS + filler_units)
    with (HERE / "StockEtablissement_sample.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ESTABLISHMENT_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(CASE_ESTABLISHMENTS + filler_establishments)
    # A daily update: the SA renamed (newer stamp), the sauvegarde company with an older stamp (ignored).
    with (HERE / "UniteLegale_daily_sample.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, UNIT_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerow(
            {
                **CASE_UNITS[0],
                "denominationUniteLegale": "ATELIERS REUNIS",
                "dateDernierTraitementUniteLegale": "2024-04-02T09:00:00",
            }
        )
        writer.writerow(
            {
                **CASE_UNITS[6],
                "denominationUniteLegale": "ANCIEN NOM",
                "dateDernierTraitementUniteLegale": "2020-01-01T00:00:00",
            }
        )
    records = notices()
    (HERE / "bodacc_annonces_sample.json").write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    with (HERE / "bodacc_annonces_sample.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, BODACC_FIELDS, delimiter=";", lineterminator="\n")
        writer.writeheader()
        for record in records:
            flat = {k: (",".join(v) if isinstance(v, list) else ("" if v is None else v)) for k, v in record.items()}
            writer.writerow(flat)


if __name__ == "__main__":
    main()
