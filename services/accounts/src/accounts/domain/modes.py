"""Settlement and payment modes, and how people read them."""

SETTLEMENT_MODES = ("not_delivered", "account", "cash", "cheque", "card", "transfer", "online")
PAYING_MODES = frozenset({"cash", "cheque", "card", "transfer", "online"})
MANUAL_MODES = frozenset({"cash", "cheque", "card", "transfer"})
MODE_NAMES = {
    "not_delivered": "non livré",
    "account": "compte client",
    "cash": "espèces",
    "cheque": "chèque",
    "card": "carte",
    "transfer": "virement",
    "online": "en ligne",
}
