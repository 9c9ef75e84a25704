"""What the accounts domain refuses; the gateway maps each family to its HTTP status."""

from ardoise.errors import Invalid, NotFound


class CustomerNotFound(NotFound):
    pass


class AmountOutOfRange(Invalid):
    pass


class UnknownMode(Invalid):
    pass


class LabelTooLong(Invalid):
    pass


class InvalidCustomer(Invalid):
    pass
