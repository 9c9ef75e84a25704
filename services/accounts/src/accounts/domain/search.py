"""How a name is searched: without accents, case or extra spaces ("Élise  MARTIN" is found by
"elise mar"). No I/O."""

import unicodedata


def searchable(text: str) -> str:
    """The name as the customers page searches it: accents taken off, case folded, spaces
    single (`Œ` and `ß` fold as French and German readers expect: oe, ss)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("œ", "oe").replace("æ", "ae").split())
