"""The file names of the period workbooks, ASCII only: what they hold, whose, which days."""

import re
import unicodedata
from datetime import date

FILE_PREFIXES = {"sales-by-mode": "ventes-par-mode", "payments": "paiements-recus"}


def filename_for(kind: str, producer_slug: str, period_from: date, period_to: date) -> str:
    """E.g. ``ventes-par-mode_ferme-des-saules_2026-11-16_2026-11-22.xlsx``; ASCII only."""
    try:
        prefix = FILE_PREFIXES[kind]
    except KeyError:
        raise ValueError(
            f"unknown export kind {kind!r}, expected one of {sorted(FILE_PREFIXES)}"
        ) from None
    slug = _ascii_slug(producer_slug)
    return f"{prefix}_{slug}_{period_from.isoformat()}_{period_to.isoformat()}.xlsx"


def _ascii_slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "producteur"
