"""The rules a FEC is held to, checked on its text: those of art. A47 A-1 LPF, of its comment
BOI-CF-IOR-60-40-20 (cited by paragraph, §) and the checks the administration's validator,
Test Compta Demat (DGFiP, CeCILL), applies to a flat file (its `trt_txt.pl`, its
`SQL/FEC*.sql` tables and `SQL/ECRITURE.sql` views, read for their rules).

`check_fec(text, variant)` returns the problems found, each `"<rule>: <what, where>"`; the
rule names are the keys of RULES. Written independently of the writer, so that a file the
writer gets wrong is caught here and not re-derived from the same code.
"""

import re
from collections import defaultdict
from datetime import date

STANDARD_COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum",
                    "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate",
                    "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate",
                    "Montantdevise", "Idevise")
CASH_BASIS_COLUMNS = (*STANDARD_COLUMNS, "DateRglt", "ModeRglt", "NatOp")
MANDATORY = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum",
             "CompteLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
             "ValidDate")
DATES = ("EcritureDate", "PieceDate", "DateLet", "ValidDate")
AMOUNT = re.compile(r"[0-9]+,[0-9]{2}")
DAY = re.compile(r"[0-9]{8}")
FILENAME = re.compile(r"[0-9]{9}FEC[0-9]{8}(\.txt)?")

RULES = {
    "record-end": "A47 A-1 VI 1° a: records separated by CR and/or LF, one way in the file",
    "empty-line": "Test Compta Demat: « la structure du fichier est incorrecte, une ligne est "
                  "vide »",
    "byte-order-mark": "A47 A-1 VII 4°: the first record is the field names, nothing before",
    "separator": "A47 A-1 VI 1° c: « Les zones sont obligatoirement séparées par une "
                 "tabulation ou le caractère | », one of them in a file (I 4°: « unique et non "
                 "équivoque »)",
    "header": "A47 A-1 VII 1° and 4°, VIII 5° and 9°: the first line names the 18 (21 for a "
              "farm's cash-basis accounting) fields, « dans l'ordre »",
    "field-count": "Test Compta Demat: « il y a N champs au lieu des M champs attendus »",
    "mandatory": "A47 A-1 VII 1° (fields without « à blanc si non utilisé »); Test Compta "
                 "Demat FECBIC.sql NOT NULL / OBLIGATOIRE: « il ne contient aucune valeur »",
    "date-format": "A47 A-1 XII 4°: « Les dates sont exprimées au format AAAAMMJJ sans "
                   "séparateur »; Test Compta Demat: « dates ne correspondant pas à des dates "
                   "calendaires »",
    "fiscal-year": "A47 A-1 VII 1°: the entries « au titre d'un exercice »",
    "amount-format": "A47 A-1 XII 2°: « La virgule sépare la fraction entière de la partie "
                     "décimale. Aucun séparateur de millier n'est accepté »; two decimals, no "
                     "sign (amounts on the other side instead)",
    "debit-credit": "Test Compta Demat: « débit/crédit renseignés sur une même ligne, ou "
                    "débit=crédit=0 »; BOI § 210: both filled, zero on the side not moved",
    "account-number": "A47 A-1 VII 1° info 5: « dont les trois premiers caractères doivent "
                      "correspondre à des chiffres »; Test Compta Demat: « le numéro de compte "
                      "doit commencer par trois chiffres »",
    "entry-balanced": "Test Compta Demat ECRITURE.sql « Ecriture non équilibrée »: Σ debit = "
                      "Σ credit per EcritureNum (double entry)",
    "file-balanced": "Test Compta Demat « Cumul Débit / Cumul Crédit »: the file balances",
    "entry-consistent": "Test Compta Demat ECRITURE.sql: « Différents codes journaux », "
                        "« Différentes dates comptables », « Différents numéros de pièce », "
                        "« Différentes dates pièce » within an EcritureNum (and one "
                        "ValidDate)",
    "numbering": "A47 A-1 VII 1° info 3: « numéro sur une séquence continue »; BOI § 40: "
                 "numbered « sans rupture »; an entry's lines together",
    "chronology": "A47 A-1 VII 1°: « classées par ordre chronologique de validation »; BOI "
                  "§ 40: « sans ... inversion »: dates never go back as EcritureNum grows",
    "auxiliary": "A47 A-1 VII 1° info 7 and 8: an auxiliary account has a number and a label, "
                 "both « à blanc si non utilisé »",
    "labels": "A47 A-1 VII 1° info 6: the label of the account « conformément à la "
              "nomenclature »: one label per account, per auxiliary account, per journal",
    "lettering": "A47 A-1 VII 1° info 14 and 15: EcritureLet and DateLet together; lines "
                 "lettered together balance (per account and auxiliary account), lettered "
                 "no earlier than they were recorded",
    "currency": "A47 A-1 VII 1° info 17 and 18: Montantdevise and Idevise together",
    "cash-basis": "A47 A-1 VIII 5°: DateRglt (a date) and ModeRglt of a payment together",
}


def check_filename(name: str) -> list[str]:
    """A47 A-1 IX: « SirenFECAAAAMMJJ », AAAAMMJJ the fiscal year's closing day."""
    if not FILENAME.fullmatch(name) or _day(name[12:20]) is None:
        return [f"filename: {name!r} is not <SIREN>FEC<AAAAMMJJ>"]
    return []


def check_fec(text: str, variant: str = "standard", fiscal_year_start: date | None = None,
              fiscal_year_end: date | None = None) -> list[str]:
    problems: list[str] = []

    def problem(rule: str, what: str) -> None:
        assert rule in RULES, rule
        problems.append(f"{rule}: {what}")

    if text.startswith("\ufeff"):
        problem("byte-order-mark", "the file starts with a byte order mark")
        text = text[1:]
    records = _records(text, problem)
    if not records:
        problem("header", "the file is empty")
        return problems
    header = records[0]
    separator = "\t" if "\t" in header else "|" if "|" in header else None
    if separator is None or ("\t" in header and "|" in header):
        problem("separator", "the fields are not separated by a tabulation or |, one of them")
        return problems
    columns = CASH_BASIS_COLUMNS if variant == "cash_basis" else STANDARD_COLUMNS
    names = tuple(header.split(separator))
    if names != columns:
        problem("header", f"the fields are {list(names)}, not {list(columns)}")
        return problems
    lines = []
    for number, record in enumerate(records[1:], start=2):
        if not record.strip():
            problem("empty-line", f"line {number} is empty")
            continue
        values = record.split(separator)
        if len(values) != len(columns):
            problem("field-count", f"line {number} has {len(values)} fields, not {len(columns)}")
            continue
        lines.append((number, dict(zip(columns, values, strict=True))))
    for number, line in lines:
        _check_line(number, line, variant, fiscal_year_start, fiscal_year_end, problem)
    _check_entries(lines, problem)
    _check_lettering(lines, problem)
    _check_labels(lines, problem)
    return problems


def _records(text: str, problem) -> list[str]:
    end = "\r\n" if "\r\n" in text else "\r" if "\r" in text else "\n"
    if text and not text.endswith(end):
        problem("record-end", f"the last record does not end with {end!r}")
    records = text.split(end)
    if records and records[-1] == "":
        records.pop()
    if any("\r" in record or "\n" in record for record in records):
        problem("record-end", "the records do not all end the same way")
    return records


def _check_line(number: int, line: dict, variant: str, start: date | None, end: date | None,
                problem) -> None:
    for name in MANDATORY:
        if not line[name].strip():
            problem("mandatory", f"line {number}: {name} is empty")
    dates = {name: _day(line[name]) for name in DATES}
    for name in DATES:
        if line[name] and dates[name] is None:
            problem("date-format", f"line {number}: {name} {line[name]!r} is no AAAAMMJJ date")
    entry_day = dates["EcritureDate"]
    if entry_day and ((start and entry_day < start) or (end and entry_day > end)):
        problem("fiscal-year", f"line {number}: EcritureDate {line['EcritureDate']} is outside "
                               "the fiscal year")
    debit, credit = _cents(line["Debit"]), _cents(line["Credit"])
    for name, cents in (("Debit", debit), ("Credit", credit)):
        if line[name] and cents is None:
            problem("amount-format", f"line {number}: {name} {line[name]!r} is not like 1234,56")
    if line["Montantdevise"] and _cents(line["Montantdevise"].lstrip("-")) is None:
        problem("amount-format", f"line {number}: Montantdevise {line['Montantdevise']!r}")
    if debit is not None and credit is not None and (debit == 0) == (credit == 0):
        problem("debit-credit", f"line {number}: Debit {line['Debit']} and Credit "
                                f"{line['Credit']}: one of them, not both or none")
    if not re.match(r"[0-9]{3}", line["CompteNum"]):
        problem("account-number", f"line {number}: CompteNum {line['CompteNum']!r} does not "
                                  "start with three digits")
    if bool(line["CompAuxNum"]) != bool(line["CompAuxLib"]):
        problem("auxiliary", f"line {number}: CompAuxNum and CompAuxLib, both or neither")
    if bool(line["EcritureLet"]) != bool(line["DateLet"]):
        problem("lettering", f"line {number}: EcritureLet and DateLet, both or neither")
    if dates["DateLet"] and entry_day and dates["DateLet"] < entry_day:
        problem("lettering", f"line {number}: DateLet {line['DateLet']} is before its "
                             f"EcritureDate {line['EcritureDate']}")
    if bool(line["Montantdevise"]) != bool(line["Idevise"]):
        problem("currency", f"line {number}: Montantdevise and Idevise, both or neither")
    if variant == "cash_basis":
        if line["DateRglt"] and _day(line["DateRglt"]) is None:
            problem("date-format", f"line {number}: DateRglt {line['DateRglt']!r} is no date")
        if bool(line["DateRglt"]) != bool(line["ModeRglt"]):
            problem("cash-basis", f"line {number}: DateRglt and ModeRglt, both or neither")


def _check_entries(lines: list[tuple[int, dict]], problem) -> None:
    entries: dict[str, list[dict]] = {}
    order: list[str] = []
    previous = None
    for number, line in lines:
        key = line["EcritureNum"]
        if key != previous and key in entries:
            problem("numbering", f"line {number}: the lines of EcritureNum {key} are not "
                                 "together")
        if key not in entries:
            entries[key] = []
            order.append(key)
        entries[key].append(line)
        previous = key
    if order and order != [str(count) for count in range(1, len(order) + 1)]:
        problem("numbering", f"EcritureNum runs {order[:3]}…, not 1, 2, 3… without a gap")
    total_debit = total_credit = 0
    last_dates = (date.min, date.min)
    for key in order:
        debit = sum(_cents(line["Debit"]) or 0 for line in entries[key])
        credit = sum(_cents(line["Credit"]) or 0 for line in entries[key])
        total_debit, total_credit = total_debit + debit, total_credit + credit
        if debit != credit:
            problem("entry-balanced", f"EcritureNum {key}: debit {debit} ≠ credit {credit} "
                                      "(cents)")
        for name in ("JournalCode", "EcritureDate", "PieceRef", "PieceDate", "ValidDate"):
            if len({line[name] for line in entries[key]}) > 1:
                problem("entry-consistent", f"EcritureNum {key}: more than one {name}")
        dates = (_day(entries[key][0]["EcritureDate"]), _day(entries[key][0]["ValidDate"]))
        if None not in dates:
            if dates[0] < last_dates[0] or dates[1] < last_dates[1]:
                problem("chronology", f"EcritureNum {key} is dated before the entry numbered "
                                      "before it")
            last_dates = dates
    if total_debit != total_credit:
        problem("file-balanced", f"debit {total_debit} ≠ credit {total_credit} (cents)")


def _check_lettering(lines: list[tuple[int, dict]], problem) -> None:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for _number, line in lines:
        if line["EcritureLet"]:
            groups[(line["CompteNum"], line["CompAuxNum"], line["EcritureLet"])].append(line)
    for (account, auxiliary, letter), members in groups.items():
        balance = sum((_cents(line["Debit"]) or 0) - (_cents(line["Credit"]) or 0)
                      for line in members)
        if balance:
            problem("lettering", f"letter {letter} of {account} {auxiliary} does not balance "
                                 f"({balance} cents)")
        recorded = [_day(line["EcritureDate"]) for line in members]
        lettered = [_day(line["DateLet"]) for line in members]
        if None not in recorded + lettered and min(lettered) < max(recorded):
            problem("lettering", f"letter {letter} of {account} {auxiliary} is dated before "
                                 "one of its lines")


def _check_labels(lines: list[tuple[int, dict]], problem) -> None:
    for key, label in (("CompteNum", "CompteLib"), ("CompAuxNum", "CompAuxLib"),
                       ("JournalCode", "JournalLib")):
        seen: dict[str, set[str]] = defaultdict(set)
        for _number, line in lines:
            if line[key]:
                seen[line[key]].add(line[label])
        for value, labels in seen.items():
            if len(labels) > 1:
                problem("labels", f"{key} {value} has the labels {sorted(labels)}")


def _cents(text: str) -> int | None:
    if not AMOUNT.fullmatch(text):
        return None
    units, decimals = text.split(",")
    return int(units) * 100 + int(decimals)


def _day(text: str) -> date | None:
    if not DAY.fullmatch(text):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None
