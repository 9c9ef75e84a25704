"""How an invoice names a customer: its postal address and, for a business, SIREN and VAT number."""

from dataclasses import dataclass

from accounts.domain.exceptions import InvalidCustomer
from ardoise.companies import address_of, siren_in_vat_number, siren_of, vat_number_of


@dataclass(frozen=True)
class CustomerIdentity:
    """A professional customer has a SIREN (a facture to a business names it, and Factur-X
    needs it); a consumer has neither SIREN nor VAT number. Each is None when not recorded."""

    address: str | None = None
    professional: bool = False
    siren: str | None = None
    vat_number: str | None = None

    @classmethod
    def checked(cls, address: object = None, professional: object = False, siren: object = None,
                vat_number: object = None) -> "CustomerIdentity":
        """The identity as it will be kept (numbers compact, address lines stripped; blank is
        none), or InvalidCustomer naming the field at fault."""
        if not isinstance(professional, bool):
            raise InvalidCustomer("professional is true or false", "professional")
        kept_address = _checked(address_of, address, "address")
        kept_siren = _checked(siren_of, siren, "siren")
        kept_vat_number = _checked(vat_number_of, vat_number, "vat_number")
        if professional and kept_siren is None:
            raise InvalidCustomer("a professional customer needs a SIREN", "siren")
        if not professional:
            for field, value, what in (("siren", kept_siren, "SIREN"),
                                       ("vat_number", kept_vat_number, "VAT number")):
                if value is not None:
                    raise InvalidCustomer(f"only a professional customer has a {what} "
                                          "(set professional to true)", field)
        if kept_vat_number is not None:
            built_on = siren_in_vat_number(kept_vat_number)
            if built_on is not None and built_on != kept_siren:
                raise InvalidCustomer(f"the VAT number {kept_vat_number} is not the one of "
                                      f"SIREN {kept_siren}", "vat_number")
        return cls(kept_address, professional, kept_siren, kept_vat_number)


def _checked(check, value: object, field: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return check(value)
    except ValueError as refused:
        raise InvalidCustomer(str(refused), field) from None
