"""Bank statements in: a CAMT.053 of N lines parsed, matched against M customers and imported
through the payments service on the local PostgreSQL; lines per second and peak memory.

    .venv/bin/python bench/bench_bank_import.py [--lines 10000] [--customers 5000] [--seed 7]
                                                [--memory-at 1000] [--profile 0]

The file is generated here: one account, a statement per 1 000 lines (camt.053.001.02, as French
banks give it), payers' names as banks write them (upper case, no accents, `M OU MME`, surname
first or last). Of its credits, about 30 % carry a customer's payment reference (half of these
for an open order, some with its short number), 30 % the name of a customer and the amount of
one of its open orders, 20 % a customer's name and a round amount (a top-up), 20 % payers who
are no customers; about 8 % of the lines are debits. The customers (French names: accents,
hyphens, particles, a few couples and associations) and about 1.6 open orders per customer are
inserted straight into payments.customers and payments.orders.

1. parsing alone (`parse_statement`): lines/s, and the rise of the process's peak RSS during it
   (Linux's VmHWM, reset before);
2. matching alone (`Matcher` built once, `propose` for every line): lines/s, and per kind of
   credit whether the customer the file was made for was proposed, and surely;
3. `import_statement` on the real PostgreSQL, the whole import (parse, match, transactions,
   settlements, outbox) in one transaction: lines/s, SQL statements per line; then the same
   file again (every line a duplicate). A small import of a producer of its own runs first, not
   counted (pool filled, statements compiled);
4. peak memory: the process's peak RSS (its ru_maxrss, read as Linux's VmHWM: see Peaks) by the
   end of each step, and the same run at `--memory-at` lines (a process of its own, on the same
   servers), to show how it grows with the file;
5. with `--profile N`, after the rest (so that it changes none of the figures above): one more
   import, under cProfile, of a file made the same way for a producer of its own; the time
   spent waiting for PostgreSQL, and the N functions of most own and most cumulative time.

Servers: the stack named by ARDOISE_TEST_INSTANCE (`bench-bank` if unset), under `.run/NAME/`,
stopped at the end.
"""

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import random
import resource
import shlex
import statistics
import subprocess
import sys
import time
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

import asyncpg
from sqlalchemy import event as sqlalchemy_event

from ardoise.db import make_engine, make_sessionmaker, plain_dsn
from ardoise.payment_reference import payment_reference
from ardoise_tools.devservers.stack import Stack
from payments.adapters.orm import SCHEMA
from payments.domain.bank_matching import SURE, Customer, Matcher, OpenOrder
from payments.domain.settlement import PaymentSettings
from payments.domain.statements.detect import parse_statement
from payments.service_layer.bank import import_statement
from payments.service_layer.unit_of_work import SqlPaymentsUnitOfWork

INSTANCE = "bench-bank"
ACCOUNT = "FR7630004000031234567890143"
LINES_PER_STATEMENT = 1000
ORDERS_PER_CUSTOMER = 1.6
DEBIT_SHARE = 0.08
KINDS = {"reference": 0.3, "name and order amount": 0.3, "name only": 0.2, "unknown payer": 0.2}
"""The kinds of credit lines and their shares."""

FIRST_NAMES = (
    "Élise Bruno Zoé Amélie Jérôme Claire Noé Hélène Loïc Margaux Théo Inès Gaëlle Rémi Agnès "
    "Benoît Cécile Jean-Pierre Marie-Hélène Anne-Sophie François Françoise Stéphane Sébastien "
    "Aurélie Valérie Frédéric Thérèse Geneviève Joël Maëlle Léa Chloé Camille Léo Mathéo "
    "Jérémy Émilie Céline Sylvie Nathalie Isabelle Sandrine Christophe Philippe Nicolas "
    "Julien Thomas Pierre Paul Jacques Michel Alain Bernard Gérard Dominique Patrick Laurent "
    "Olivier Pascal Thierry Éric Hervé Yves Régis Lucie Manon Pauline Mathilde Juliette "
    "Victor Hugo Arthur Gabriel Raphaël Louis Jules Adèle Louise Alice Rose Anaïs Océane "
    "Solène Gwenaëlle Yannick Ronan Maïwenn Brigitte Martine Monique Josiane Odile Colette "
    "Pierre-Yves Jean-Noël Marie-Claire Anne-Laure Baptiste Clément Quentin Romain Maxime").split()
SURNAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefèbvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre "
    "Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc "
    "Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez "
    "Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly "
    "Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean Perez Marchand Dufour Blanchard "
    "Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud "
    "Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard "
    "Philippe Leclercq Lacroix Fabre Dupuis Olivier Rodriguez Da-Costa Hubert Louis Charles "
    "Guillot Rivière Le-Gall Guillaume Adam Rey Moulin Gonzalez Berger Lecomte Ménard Fleury "
    "Deschamps Carpentier Julien Benoît Paris Maillard Marchal Aubry Vasseur Le-Roux Renault "
    "Jacquet Collet Prévost Poirier Charpentier Royer Huet Baron Dupuy Pons Paul Laine "
    "Carré Breton Rémy Schneider Perrot Guyot Barre Marty Cousin Le-Goff Bréhéret Kervella "
    "Quéméner Tanguy Le-Bihan Cadiou Riou Pichon Bouvier Chauvin Besnard Texier Lebrun "
    "Jouan Hamon Lemaître Bouchet Étienne Bégué Cochet Desmoulins Grégoire Lefort Bazin "
    "Léger Tessier Maréchal Weber Chartier Hoarau Ferrand Joubert Gilles Besson Leblanc").split()
PARTICLED = ("de la Fontaine", "du Pont", "de Villiers", "d'Hérouville", "Le Floc'h", "de Lattre",
             "des Essarts", "de Saint-Just", "du Plessis", "de la Motte")
ASSOCIATIONS = ("Crèche Les Petits Pois", "Restaurant L'Épi d'Or", "AMAP du Val Fleuri",
                "Cantine Scolaire de Saint-Aubin", "Épicerie Solidaire La Grange",
                "Comité d'Entreprise Valéo Atelier", "Café Associatif Le Moulin Bleu",
                "Maison de Retraite Les Glycines", "Collège Jules Ferry Intendance",
                "Traiteur Aux Délices Normands")
STRANGERS_FIRST = ("Kevin Yanis Mohamed Ibrahim Wei Ana Jonas Sven Dimitri Oksana Piotr Aylin "
                   "Kenji Tariq Bogdan Ingrid Lars Aurora Malik Soraya").split()
STRANGERS_LAST = ("Kowalski Tran Haddad Yilmaz Okafor Novak Lindqvist Papadopoulos Ivanova "
                  "Fujimoto Benali Oliveira Horvath Jansen Mwangi Castellano Zhang Petrov "
                  "Mbappou Rasmussen").split()
INSTITUTIONS = ("SUMUP PAYMENTS LIMITED", "AGENCE SERVICES PAIEMENT ASP", "CAISSE ALLOCATIONS",
                "TRESOR PUBLIC REMBOURSEMENT", "AXA ASSURANCES IARD", "GROUPAMA CENTRE")
TOP_UPS = (2000, 3000, 5000, 5000, 10000, 15000, 20000)
DEBITS = (("MSA COTISATIONS", "PRLV SEPA MSA"), ("EDF SA", "PRLV SEPA EDF"),
          ("URSSAF", "PRLV SEPA URSSAF"), ("COOP AGRICOLE DU VAL", "VIR SEPA EMIS"),
          ("LEROY MERLIN", "CB LEROY MERLIN"), ("TOTALENERGIES", "CB TOTAL STATION"),
          ("SEMENCES DU MIDI", "VIR SEPA EMIS"), (None, "FRAIS TENUE DE COMPTE"),
          (None, "COMMISSION INTERVENTION"), ("SUMUP PAYMENTS LIMITED", "PRLV SUMUP ABONNEMENT"))


# -- the customers, their orders, the file --------------------------------------------------


@dataclass(frozen=True)
class Person:
    customer_id: str
    name: str
    """As the producer typed it: accents, capitals."""
    bank_names: tuple[str, ...]
    """How a bank may write it as a payer's name."""


@dataclass(frozen=True)
class Intended:
    """What the file's line was made as: its kind, and the customer (and order) it pays."""

    kind: str
    customer_id: str | None = None
    order_id: uuid.UUID | None = None


def bank_text(text: str) -> str:
    """As a bank's SEPA character set has it: upper case, no accents, 70 characters at most."""
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in decomposed if not unicodedata.combining(c))[:70]


def make_customers(rng: random.Random, count: int) -> list[Person]:
    """Distinct names; about 3 % couples, 2 % associations or businesses, 2 % with a
    particle."""
    pairs = rng.sample(range(len(FIRST_NAMES) * len(SURNAMES)), count)
    people = []
    for number, pair in enumerate(pairs):
        first, last = FIRST_NAMES[pair % len(FIRST_NAMES)], SURNAMES[pair // len(FIRST_NAMES)]
        last = last.replace("-", " ") if last.startswith(("Le-", "Da-")) else last
        draw = rng.random()
        if draw < 0.02:
            name = f"{ASSOCIATIONS[number % len(ASSOCIATIONS)]} {number}"
            people.append(Person(f"c{number:06d}", name, (bank_text(name),)))
            continue
        if draw < 0.04:
            last = PARTICLED[number % len(PARTICLED)]
        if draw > 0.97:
            other = FIRST_NAMES[(pair + 7) % len(FIRST_NAMES)]
            name = f"{first} et {other} {last}"
            bank_names = (f"M OU MME {last} {other}", f"M ET MME {last}", f"{first} {last}")
        else:
            name = f"{first} {last}"
            bank_names = (f"M OU MME {last} {first}", f"MME {first} {last}", f"{last} {first}",
                          f"MR {last} {first}", f"{first} {last}", f"{last} {first[0]}")
        people.append(Person(f"c{number:06d}", name, tuple(bank_text(b) for b in bank_names)))
    return people


def make_orders(rng: random.Random, people: list[Person], today: date) -> list[OpenOrder]:
    """Baskets of 5 to 120 € delivered in the last twelve weeks, none paid yet."""
    return [OpenOrder(uuid.UUID(int=rng.getrandbits(128), version=4),
                      rng.choice(people).customer_id, rng.randint(500, 12000),
                      today - timedelta(days=rng.randint(1, 84)))
            for _ in range(round(len(people) * ORDERS_PER_CUSTOMER))]


def stranger(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(INSTITUTIONS)
    return bank_text(f"{rng.choice(STRANGERS_FIRST)} {rng.choice(STRANGERS_LAST)}")


class StatementWriter:
    """Lines drawn as the kinds' shares say, written as CAMT.053 entries."""

    def __init__(self, rng: random.Random, producer_id: str, people: list[Person],
                 orders: list[OpenOrder]) -> None:
        self.rng, self.producer_id, self.people = rng, producer_id, people
        self.unused = list(orders)                  # each order paid once at most
        rng.shuffle(self.unused)
        self.orders_of: dict[str, list[OpenOrder]] = {}
        for order in orders:
            self.orders_of.setdefault(order.customer_id, []).append(order)
        self.by_id = {p.customer_id: p for p in people}

    def line(self) -> tuple[Intended, dict]:
        """What the line was made as, and its entry's fields."""
        rng = self.rng
        if rng.random() < DEBIT_SHARE:
            party, info = rng.choice(DEBITS)
            return Intended("debit"), {"cents": -rng.randint(300, 250000), "party": party,
                                       "info": info, "remittance": None}
        kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
        if kind == "name and order amount" and self.unused:
            order = self.unused.pop()
            person = self.by_id[order.customer_id]
            remittance = rng.choice((None, "Panier", "Commande legumes", "Paiement marche"))
            return Intended(kind, person.customer_id, order.order_id), self._credit(
                order.due_cents, rng.choice(person.bank_names), remittance)
        if kind == "reference":
            return self._by_reference()
        if kind == "unknown payer":
            remittance = rng.choice((None, "Remboursement", "Virement", "Loyer", "Facture 2291"))
            return Intended(kind), self._credit(rng.randint(500, 90000), stranger(rng),
                                                remittance)
        person = rng.choice(self.people)
        due = {o.due_cents for o in self.orders_of.get(person.customer_id, ())}
        cents = rng.choice([c for c in TOP_UPS if c not in due])
        remittance = rng.choice((None, "Recharge compte", "Avance paniers", "Acompte"))
        return Intended("name only", person.customer_id), self._credit(
            cents, rng.choice(person.bank_names), remittance)

    def _by_reference(self) -> tuple[Intended, dict]:
        """The reference in the remittance text (spaced or cased as payers type it) or as the
        end-to-end id; the payer the customer, or someone paying for them."""
        rng = self.rng
        order = self.unused.pop() if self.unused and rng.random() < 0.5 else None
        person = self.by_id[order.customer_id] if order else rng.choice(self.people)
        reference = payment_reference(self.producer_id, person.customer_id)
        typed = rng.choice((reference, reference.replace("-", ""), reference.lower(),
                            f"{reference[:7]} {reference[7:]}"))
        payer = rng.choice(person.bank_names) if rng.random() < 0.8 else stranger(rng)
        cents = order.due_cents if order else rng.choice(TOP_UPS)
        remittance = f"{typed} panier"
        if order and rng.random() < 0.5:
            remittance = f"{typed} cde {str(order.order_id)[:8]}"
        end_to_end = None
        if rng.random() < 0.15:
            remittance, end_to_end = rng.choice((None, "Paniers")), reference
        fields = self._credit(cents, payer, remittance)
        fields["end_to_end"] = end_to_end
        return Intended("reference", person.customer_id, order and order.order_id), fields

    def _credit(self, cents: int, payer: str, remittance: str | None) -> dict:
        return {"cents": cents, "party": payer, "info": f"VIR SEPA RECU /DE {payer}"[:140],
                "remittance": remittance}


def amount(cents: int) -> str:
    return f"{abs(cents) // 100}.{abs(cents) % 100:02d}"


def entry_xml(fields: dict, booked: date, bank_reference: str) -> str:
    credit = fields["cents"] > 0
    party = fields["party"]
    head = (f"<Ntry><Amt Ccy=\"EUR\">{amount(fields['cents'])}</Amt>"
            f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{booked}</Dt></BookgDt><ValDt><Dt>{booked}</Dt></ValDt>"
            f"<AcctSvcrRef>{bank_reference}</AcctSvcrRef>"
            f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{'RCDT' if credit else 'ICDT'}</Cd>"
            f"<SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>")
    tail = f"<AddtlNtryInf>{escape(fields['info'])}</AddtlNtryInf></Ntry>"
    if party is None:
        return head + tail
    role = "Dbtr" if credit else "Cdtr"
    remittance = (f"<RmtInf><Ustrd>{escape(fields['remittance'])}</Ustrd></RmtInf>"
                  if fields["remittance"] else "")
    return (head + "<NtryDtls><TxDtls>"
            f"<Refs><EndToEndId>{escape(fields.get('end_to_end') or 'NOTPROVIDED')}"
            "</EndToEndId></Refs>"
            f"<AmtDtls><TxAmt><Amt Ccy=\"EUR\">{amount(fields['cents'])}</Amt></TxAmt></AmtDtls>"
            f"<RltdPties><{role}><Nm>{escape(party)}</Nm></{role}></RltdPties>"
            f"{remittance}</TxDtls></NtryDtls>" + tail)


def make_file(writer: StatementWriter, lines: int, today: date) -> tuple[bytes, list[Intended]]:
    """`lines` entries over the last year or so, a statement per LINES_PER_STATEMENT lines, with
    their opening and closing balances."""
    drawn = [writer.line() for _ in range(lines)]
    days = max(1, min(365, lines // 30))
    dates = sorted(today - timedelta(days=writer.rng.randint(0, days)) for _ in range(lines))
    parts = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\""
             "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><GrpHdr>"
             f"<MsgId>BENCH{today:%Y%m%d}</MsgId><CreDtTm>{today}T06:00:00</CreDtTm></GrpHdr>"]
    balance_cents = 1_000_000
    for first in range(0, lines, LINES_PER_STATEMENT):
        chunk = range(first, min(lines, first + LINES_PER_STATEMENT))
        closing_cents = balance_cents + sum(drawn[i][1]["cents"] for i in chunk)
        parts.append(
            f"<Stmt><Id>STMT{first // LINES_PER_STATEMENT + 1:05d}</Id>"
            f"<ElctrncSeqNb>{first // LINES_PER_STATEMENT + 1}</ElctrncSeqNb>"
            f"<CreDtTm>{dates[chunk[-1]]}T06:00:00</CreDtTm>"
            f"<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
            + balance_xml("OPBD", balance_cents, dates[chunk[0]])
            + balance_xml("CLBD", closing_cents, dates[chunk[-1]])
            + "".join(entry_xml(drawn[i][1], dates[i], f"{dates[i]:%Y%m%d}{i:09d}")
                      for i in chunk)
            + "</Stmt>")
        balance_cents = closing_cents
    parts.append("</BkToCstmrStmt></Document>\n")
    return "\n".join(parts).encode(), [intended for intended, _ in drawn]


def balance_xml(code: str, cents: int, on: date) -> str:
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f"<Amt Ccy=\"EUR\">{amount(cents)}</Amt>"
            f"<CdtDbtInd>{'CRDT' if cents >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{on}</Dt></Dt>"
            "</Bal>")


# -- memory -----------------------------------------------------------------------------------


class Peaks:
    """The process's peak RSS by the end of each step, read as Linux's VmHWM: the same as its
    ru_maxrss, except that a child's ru_maxrss starts at its parent's peak (kept across fork
    and exec), which would hide the smaller run's own. Resetting the peak (for one step's own
    rise) lowers both, so the peak before a reset is kept here."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}
        self.kept = 0.0

    def note(self, step: str) -> float:
        self.kept = max(self.kept, memory_mib("VmHWM"))
        self.steps[step] = self.kept
        return self.kept

    def reset(self) -> float | None:
        """Linux's peak RSS brought down to the present RSS, which is returned (MiB; None where
        /proc/self/clear_refs is not writable)."""
        self.kept = max(self.kept, memory_mib("VmHWM"))
        before = memory_mib("VmRSS")
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            return None
        return before

    @staticmethod
    def rise(before: float | None) -> str:
        """The rise of the peak RSS since `reset`, as printed."""
        if before is None:
            return "unknown (/proc/self/clear_refs not writable)"
        return f"{memory_mib('VmHWM') - before:+.0f} MiB above the RSS it started at"


def memory_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- 1. and 2. ---------------------------------------------------------------------------------


def parsing(data: bytes, lines: int, peaks: Peaks):
    parse_statement(make_warm_up_file())            # lxml and the parser loaded, not counted
    before = peaks.reset()
    started = time.perf_counter()
    statement = parse_statement(data)
    parse_s = time.perf_counter() - started
    rise = peaks.rise(before)
    peaks.note("parsed")
    assert len(statement.lines) == lines, (len(statement.lines), lines)
    print(f"\n1. parsing alone (parse_statement): {lines} lines, {len(data) / 2**20:.1f} MiB, "
          f"{len(statement.accounts)} account, {-(-lines // LINES_PER_STATEMENT)} statements "
          f"in {parse_s:.2f} s: {lines / parse_s:.0f} lines/s; peak RSS during it {rise}")
    return statement


def make_warm_up_file() -> bytes:
    rng = random.Random(0)
    people = make_customers(rng, 20)
    today = date.today()
    writer = StatementWriter(rng, "warm-up", people, make_orders(rng, people, today))
    return make_file(writer, 20, today)[0]


def matching(statement, customers: list[Customer], orders: list[OpenOrder],
             intended: list[Intended], peaks: Peaks) -> None:
    started = time.perf_counter()
    matcher = Matcher(customers, orders)
    built_s = time.perf_counter() - started
    started = time.perf_counter()
    proposals = [matcher.propose(line) for line in statement.lines]
    propose_s = time.perf_counter() - started
    peaks.note("matched")
    lines = len(statement.lines)
    print(f"\n2. matching alone: Matcher({len(customers)} customers, {len(orders)} open orders) "
          f"built in {built_s * 1000:.0f} ms; propose for {lines} lines in {propose_s:.2f} s: "
          f"{lines / propose_s:.0f} lines/s ({lines / (built_s + propose_s):.0f} lines/s with "
          "the build)")
    tally: dict[str, Counter] = {kind: Counter() for kind in (*KINDS, "debit")}
    for want, proposal in zip(intended, proposals):
        counts = tally[want.kind]
        counts["lines"] += 1
        if proposal is None:
            counts["none"] += 1
            continue
        right = proposal.customer_id == want.customer_id
        counts["right customer" if right else "wrong customer"] += 1
        counts["sure"] += proposal.score >= SURE
        counts["sure but wrong customer"] += proposal.score >= SURE and not right
        counts["right order"] += right and want.order_id is not None \
            and proposal.order_id == want.order_id
    for kind, counts in tally.items():
        shown = ", ".join(f"{counts[w]} {w}" for w in (
            "right customer", "right order", "wrong customer", "none", "sure",
            "sure but wrong customer") if counts[w])
        orders_meant = sum(1 for w in intended if w.kind == kind and w.order_id)
        print(f"   {kind}: {counts['lines']} lines ({orders_meant} for an order): {shown}")


# -- 3. ------------------------------------------------------------------------------------


class StatementCounter:
    """SQL statements the engine sends."""

    def __init__(self, engine) -> None:
        self.count = 0
        sqlalchemy_event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += 1


async def seed(env: dict[str, str], producer_id: str, people: list[Person],
               orders: list[OpenOrder]) -> None:
    """The customers and orders straight into the payments tables; payment tracking on."""
    connection = await asyncpg.connect(plain_dsn(env["PAYMENTS_DATABASE_URL"]))
    try:
        await connection.copy_records_to_table(
            "customers", schema_name=SCHEMA, columns=["producer_id", "customer_id", "name"],
            records=[(producer_id, p.customer_id, p.name) for p in people])
        await connection.copy_records_to_table(
            "orders", schema_name=SCHEMA,
            columns=["producer_id", "order_id", "customer_id", "total_cents", "delivery_date"],
            records=[(producer_id, o.order_id, o.customer_id, o.due_cents, o.delivery_date)
                     for o in orders])
        on = PaymentSettings(payment_tracking=True)
        await connection.execute(
            "INSERT INTO payments.settings (producer_id, payment_tracking, accepted_modes,"
            " online_payment_required, time_zone) VALUES ($1, true, $2, false, $3)",
            producer_id, list(on.accepted_modes), on.time_zone)
        await connection.execute("ANALYZE payments.customers")   # as autovacuum leaves them
        await connection.execute("ANALYZE payments.orders")
    finally:
        await connection.close()


async def importing(env: dict[str, str], producer_id: str, data: bytes, lines: int,
                    peaks: Peaks) -> None:
    engine = make_engine(env["PAYMENTS_DATABASE_URL"], SCHEMA)
    new_uow = partial(SqlPaymentsUnitOfWork, make_sessionmaker(engine))
    statements = StatementCounter(engine)
    try:
        warm_up = f"{producer_id}-warm-up"
        rng = random.Random(1)
        people = make_customers(rng, 50)
        orders = make_orders(rng, people, date.today())
        await seed(env, warm_up, people, orders)
        writer = StatementWriter(rng, warm_up, people, orders)
        await import_statement(warm_up, make_file(writer, 50, date.today())[0], new_uow())

        server = await fetch_value(env, (
            "SELECT format('PostgreSQL %s, fsync %s, synchronous_commit %s, shared_buffers %s',"
            " current_setting('server_version'), current_setting('fsync'),"
            " current_setting('synchronous_commit'), current_setting('shared_buffers'))"))
        print(f"\n3. import_statement on PostgreSQL (parse, match, keep, apply, outbox; one "
              f"transaction), {lines} lines; {server}; {await round_trip(env)}")
        for attempt in ("first import", "the same file again"):
            statements.count = 0
            before = peaks.reset()
            started, cpu_started = time.perf_counter(), time.process_time()
            result = await import_statement(producer_id, data, new_uow())
            import_s = time.perf_counter() - started
            cpu_s = time.process_time() - cpu_started
            rise = peaks.rise(before)
            peaks.note("imported" if attempt == "first import" else "imported again")
            counts = {k: result[k] for k in ("new", "duplicates", "applied", "queued", "listed")}
            print(f"   {attempt}: {import_s:.2f} s, {lines / import_s:.0f} lines/s, "
                  f"{statements.count} SQL statements ({statements.count / lines:.1f} per line), "
                  f"this process's CPU {cpu_s:.2f} s ({cpu_s / import_s:.0%} of the time); "
                  + ", ".join(f"{v} {k}" for k, v in counts.items())
                  + f"; peak RSS during it {rise}")
        kept = await fetch_value(env, "SELECT count(*) FROM payments.bank_transactions"
                                 " WHERE producer_id = $1", producer_id)
        settled = await fetch_value(env, "SELECT count(*) FROM payments.settlements"
                                    " WHERE producer_id = $1 AND mode = 'transfer'", producer_id)
        print(f"   kept: {kept} bank transactions, {settled} orders settled by transfer")
    finally:
        await engine.dispose()


async def profiled(env: dict[str, str], args: argparse.Namespace) -> None:
    """One more import, under cProfile: a file made as the timed one (same seed, same mix) for
    a producer of its own, with its customers and orders."""
    producer_id = f"bench-{uuid.uuid4().hex[:8]}-profiled"
    people, orders, data, _ = make_run(args.seed, producer_id, args.customers, args.lines)
    await seed(env, producer_id, people, orders)
    engine = make_engine(env["PAYMENTS_DATABASE_URL"], SCHEMA)
    new_uow = partial(SqlPaymentsUnitOfWork, make_sessionmaker(engine))
    profiler = cProfile.Profile()
    try:
        started = time.perf_counter()
        profiler.enable()
        result = await import_statement(producer_id, data, new_uow())
        profiler.disable()
        import_s = time.perf_counter() - started
    finally:
        await engine.dispose()
    stats = pstats.Stats(profiler)
    waited_s = sum(v[2] for k, v in stats.stats.items() if k[2] == "<method 'poll' of "
                   "'select.epoll' objects>")
    print(f"\n5. where the time goes: one more import of {args.lines} lines under cProfile "
          f"(a producer of its own, a file made the same way): {import_s:.2f} s, "
          f"{result['applied']} applied; of it {waited_s:.2f} s waiting for PostgreSQL "
          f"(epoll), the rest this process's CPU. The {args.profile} functions of most own "
          "time:")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.profile)
        if order == "cumulative":
            print(f"   the {args.profile} of most cumulative time:")
        print(table(out.getvalue()))


async def round_trip(env: dict[str, str], count: int = 500) -> str:
    """A reference figure: `SELECT 1` on one connection, one after another, as the import's
    statements go."""
    connection = await asyncpg.connect(plain_dsn(env["PAYMENTS_DATABASE_URL"]))
    try:
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            await connection.fetchval("SELECT 1")
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        await connection.close()
    return (f"round trip (SELECT 1 x {count}, asyncpg): p50 {statistics.median(timings):.2f} ms, "
            f"mean {statistics.fmean(timings):.2f} ms")


def table(printed: str) -> str:
    """pstats' table, from its header, indented."""
    lines = printed.splitlines()
    first = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    return "\n".join(f"   {line}" for line in lines[first:] if line.strip())


async def fetch_value(env: dict[str, str], query: str, *params):
    connection = await asyncpg.connect(plain_dsn(env["PAYMENTS_DATABASE_URL"]))
    try:
        return await connection.fetchval(query, *params)
    finally:
        await connection.close()


# -- the run -------------------------------------------------------------------------------


def make_run(seed: int, producer_id: str, customers: int, lines: int):
    """The customers, their open orders, the file and what each of its lines was made as."""
    rng = random.Random(seed)
    today = date.today()
    people = make_customers(rng, customers)
    orders = make_orders(rng, people, today)
    writer = StatementWriter(rng, producer_id, people, orders)
    data, intended = make_file(writer, lines, today)
    return people, orders, data, intended


def run(args: argparse.Namespace, env: dict[str, str], peaks: Peaks) -> None:
    producer_id = f"bench-{uuid.uuid4().hex[:8]}"
    people, orders, data, intended = make_run(args.seed, producer_id, args.customers, args.lines)
    peaks.note("file generated")
    kinds = Counter(w.kind for w in intended)
    print(f"file: {args.lines} lines, " + ", ".join(f"{n} {k}" for k, n in kinds.items())
          + f"; {len(people)} customers, {len(orders)} open orders")

    statement = parsing(data, args.lines, peaks)
    customers = [Customer(p.customer_id, p.name, payment_reference(producer_id, p.customer_id))
                 for p in people]
    matching(statement, customers, orders, intended, peaks)
    del statement

    asyncio.run(seed(env, producer_id, people, orders))
    asyncio.run(importing(env, producer_id, data, args.lines, peaks))
    peaks.note("end")


def memory_at(args: argparse.Namespace, instance: str) -> dict | None:
    """The same run at `--memory-at` lines in a process of its own; its peaks."""
    with_lines = [sys.executable, __file__, "--lines", str(args.memory_at), "--customers",
                  str(args.customers), "--seed", str(args.seed), "--memory-at", "0"]
    print(f"   the same run at {args.memory_at} lines, in a process of its own: "
          f"{shlex.join(with_lines)}")
    peaks_file = Path(f"/tmp/bench-bank-peaks-{os.getpid()}.json")
    done = subprocess.run([*with_lines, "--servers-up", str(peaks_file)],
                          env={**os.environ, "ARDOISE_TEST_INSTANCE": instance},
                          capture_output=True, text=True)
    for line in done.stdout.splitlines():
        print(f"   | {line}")
    if done.returncode:
        print(done.stderr)
        return None
    peaks = json.loads(peaks_file.read_text())
    peaks_file.unlink()
    return peaks


def steps(peaks: dict[str, float]) -> str:
    return ", ".join(f"{step} {mib:.0f}" for step, mib in peaks.items()) + " MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--memory-at", type=int, default=1_000, metavar="LINES",
                        help="the same run at this many lines, for its peak memory (0: none)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="one more import under cProfile, after the rest, N functions "
                        "printed (0: none)")
    parser.add_argument("--servers-up", metavar="PEAKS_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.customers > len(FIRST_NAMES) * len(SURNAMES):
        parser.error(f"--customers: at most {len(FIRST_NAMES) * len(SURNAMES)} distinct names")

    peaks = Peaks()
    peaks.note("start")
    instance = os.environ.get("ARDOISE_TEST_INSTANCE", INSTANCE)
    named = ("ARDOISE_TEST_INSTANCE=" + shlex.quote(instance) + " "
             if "ARDOISE_TEST_INSTANCE" in os.environ else "")
    print(f"command: {named}{shlex.join([sys.executable, *sys.argv])}")
    print(f"instance {instance}, python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load "
          f"average {os.getloadavg()[0]:.2f} at the start, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    stack = Stack(instance)
    if args.servers_up:
        run(args, stack.environment(), peaks)
        Path(args.servers_up).write_text(json.dumps(peaks.steps))
        return
    env = stack.up()
    try:
        run(args, env, peaks)
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\n4. peak RSS of this process (ru_maxrss, read as VmHWM) by the end of each "
              f"step, {args.lines} lines:\n   " + steps(peaks.steps)
              + f"; ru_maxrss now {maxrss:.0f} MiB"
              + (" (lowered by the reset of step 1)" if maxrss < peaks.kept - 1 else ""))
        if args.memory_at:
            smaller = memory_at(args, instance)
            if smaller:
                print(f"   at {args.memory_at} lines: " + steps(smaller))
                grown = peaks.steps["end"] - smaller["end"]
                print(f"   whole run: {smaller['end']:.0f} MiB at {args.memory_at} lines, "
                      f"{peaks.steps['end']:.0f} MiB at {args.lines}: {grown:+.0f} MiB, "
                      f"{grown / max(1, args.lines - args.memory_at) * 1000:.1f} MiB per "
                      "1 000 lines more")
        if args.profile:
            asyncio.run(profiled(env, args))
        print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    finally:
        stack.down()


if __name__ == "__main__":
    main()
