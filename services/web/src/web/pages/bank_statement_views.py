"""A bank statement's import as the bank page says it, no I/O: its counts carried across the
redirect, and a file the payments gateway refused said in French (what it is and what was
expected, or why a statement of a known format does not read)."""

import re
from typing import Any

from web.pages.bank_views import message_of

COUNTS = (("lines", "Lignes"), ("new", "Nouvelles"), ("duplicates", "Déjà importées"),
          ("applied", "Appliquées"), ("queued", "En attente"), ("listed", "Listées (débits)"))
"""An import's counts, in the order the page shows them."""
FORMATS = {"camt.053": "CAMT.053", "ofx": "OFX", "cfonb120": "CFONB 120"}
EXPECTED = ("Ce fichier n'est pas un relevé bancaire : Ardoise lit les relevés au format "
            "CAMT.053 (XML), OFX (1.x ou 2.x) et CFONB 120, tels que l'espace en ligne de la "
            "banque les télécharge.")
NOTHING_KEPT = "Rien n'a été importé."
_FLASH_COUNTS = re.compile(r"^(camt\.053|ofx|cfonb120)((?::\d{1,9}){6})$")
_THIS_FILE = re.compile(r"^expected a bank statement: .*?; this file is (.+)$", re.S)
_BROKEN = (
    (re.compile(r"^a CAMT\.053 file \(ISO 20022 BkToCstmrStmt\) was expected: (.+)$", re.S),
     "CAMT.053"),
    (re.compile(r"^an OFX file \(.*?\) was expected: (.+)$", re.S), "OFX"),
    (re.compile(r"^CFONB 120[,:] (.+)$", re.S), "CFONB 120"),
)
SEPARATORS = {"semicolons": "des points-virgules", "commas": "des virgules",
              "tabs": "des tabulations", "vertical bars": "des barres verticales"}
WHAT = (
    (r"empty", "vide"),
    (r"a PDF document", "un document PDF : c'est le relevé à lire, pas le fichier à importer"),
    (r"an? (PNG|JPEG|GIF|TIFF|WebP) image", "une image {0}"),
    (r"an HEIC image \(a phone's photo\)", "une image HEIC (une photo de téléphone)"),
    (r"an old Microsoft Office document.*", "un ancien document Microsoft Office (un classeur "
                                            "Excel .xls, par exemple)"),
    (r"an? (gzip|7-Zip|RAR|ZIP) archive", "une archive {0} : décompressez-la d'abord"),
    (r"an RTF document", "un document RTF"),
    (r"an Excel workbook \(\.xlsx\)", "un classeur Excel (.xlsx)"),
    (r"a Word document \(\.docx\)", "un document Word (.docx)"),
    (r"an OpenDocument spreadsheet \(\.ods\)", "un classeur OpenDocument (.ods)"),
    (r"an OpenDocument text \(\.odt\)", "un texte OpenDocument (.odt)"),
    (r"text in UTF-16.*", "du texte en UTF-16 : enregistrez-le en UTF-8 ou en ISO-8859-1"),
    (r"binary data", "un fichier binaire"),
    (r"a SWIFT MT940 statement", "un relevé SWIFT MT940, un format qu'Ardoise ne lit pas"),
    (r"an HTML page.*", "une page HTML (la page web de la banque, plutôt que le fichier "
                        "qu'elle propose de télécharger ?)"),
    (r"a camt\.(\d{3}) message, not a camt\.053 statement",
     "un message camt.{0}, pas un relevé camt.053"),
    (r"XML whose root element is <(.*)>, not a camt\.053 statement",
     "du XML dont l'élément racine est <{0}>, pas un relevé camt.053"),
    (r"JSON data", "des données JSON"),
    (r"a QIF file \(Quicken\)", "un fichier QIF (Quicken), un format qu'Ardoise ne lit pas"),
    (r"a CFONB file of (\d+)-character records.*",
     "un fichier CFONB aux lignes de {0} caractères (des ordres de virement ou de "
     "prélèvement), pas un relevé CFONB 120"),
    (r"a CSV file \(values separated by (.+)\)", "un fichier CSV (valeurs séparées par {0})"),
    (r"text that begins '(.*)'", "un texte qui commence par « {0} »"),
    (r'text that begins "(.*)"', "un texte qui commence par « {0} »"),
)
"""What the payments gateway says a file is, said in French."""
BROKEN = (
    (r"the file is not (?:well-formed )?XML.*", "son XML est mal formé"),
    (r"no Stmt element found", "il ne contient aucun relevé (élément Stmt)"),
    (r"no STMTRS or CCSTMTRS statement found(.*)", "il ne contient aucun relevé (STMTRS ou "
                                                  "CCSTMTRS){0}"),
    (r"no <OFX> element found", "il n'a pas d'élément <OFX>"),
    (r"the file ends before </OFX>.*", "il s'arrête avant </OFX> : téléchargé en partie ?"),
    (r"line (\d+): (\d+) characters where a record has 120",
     "la ligne {0} a {1} caractères au lieu de 120"),
    (r"line (\d+)(?:, record (\d+))?: the amount '(.*)' is not 13 digits.*",
     "à la ligne {0}, le montant « {2} » n'est pas écrit sur 13 chiffres et un signe"),
    (r"line (\d+)(?:, record (\d+))?: the currency '(.*)' is not an ISO 4217 code",
     "à la ligne {0}, la devise « {2} » est inconnue"),
    (r".* does not add up: .*", "le solde de départ et les opérations ne donnent pas le solde "
                                "final : le fichier est incomplet ou altéré"),
    (r".* has no closing balance \(07\)", "un relevé n'a pas de solde final (07) : le fichier "
                                         "est incomplet"),
    (r"the file holds no record", "il ne contient aucun enregistrement"),
)
"""Why a file of a known format is unreadable, for the reasons people meet; the others are
shown as the gateway wrote them."""


def import_flash(answer: dict) -> str:
    """An import's answer as the redirect carries it to the page: `camt.053:5:5:0:2:2:1`."""
    numbers = ":".join(str(int(answer.get(name) or 0)) for name, _ in COUNTS)
    return f"{answer.get('format')}:{numbers}"


def import_view(flash: str | None) -> dict | None:
    """The counts an import's redirect carried, for the page; None for anything else."""
    match = _FLASH_COUNTS.match(flash or "")
    if not match:
        return None
    numbers = [int(n) for n in match[2][1:].split(":")]
    counts = dict(zip((name for name, _ in COUNTS), numbers, strict=True))
    return {"format": FORMATS[match[1]], "counts": counts,
            "rows": [(said, counts[name]) for name, said in COUNTS]}


def _said(table, text: str) -> str | None:
    for pattern, french in table:
        if match := re.fullmatch(pattern, text, re.S):
            return french.format(*(SEPARATORS.get(g, g) for g in match.groups()))
    return None


def statement_problem(detail: Any) -> str:
    """The payments gateway refusing a file (422), in French: what it is and what was
    expected, or why a statement of a known format cannot be read."""
    message = message_of(detail)
    if match := _THIS_FILE.match(message):
        what = _said(WHAT, match[1].strip())
        seen = f" Celui-ci est {what}." if what else f" (Détail : {match[1].strip()}.)"
        return f"{EXPECTED}{seen} {NOTHING_KEPT}"
    for pattern, name in _BROKEN:
        if match := pattern.match(message):
            why = _said(BROKEN, match[1].strip())
            said = f" : {why}." if why else f". (Détail : {match[1].strip()}.)"
            return f"Ce fichier est un relevé {name}, mais il ne se lit pas{said} {NOTHING_KEPT}"
    return f"{EXPECTED} (Détail : {message or 'fichier refusé'}.) {NOTHING_KEPT}"

