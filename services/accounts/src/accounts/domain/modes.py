"""How people read the settlement and payment modes on their account history."""

MODE_NAMES = {
    "not_delivered": "non livré",
    "account": "compte client",
    "cash": "espèces",
    "cheque": "chèque",
    "card": "carte",
    "transfer": "virement",
    "online": "en ligne",
}
