"""What the accounts domain refuses, and the guards that refuse it before anything changes."""

from ardoise.errors import Invalid, NotFound
from ardoise.events.vocabulary import MANUAL_MODES, MODES, PAYING_MODES
from ardoise.money import MAX_AMOUNT_CENTS

MAX_LABEL_LENGTH = 200
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 254
DIRECTIONS = ("credit", "debit")


class CustomerNotFound(NotFound):
    pass


class HoldNotFound(NotFound):
    pass


class AmountOutOfRange(Invalid):
    pass


class UnknownMode(Invalid):
    pass


class UnknownDirection(Invalid):
    pass


class InvalidLabel(Invalid):
    pass


class LabelTooLong(InvalidLabel):
    pass


class InvalidCustomer(Invalid):
    pass


class InvalidVersion(Invalid):
    pass


class InvalidAttempt(Invalid):
    pass


def _is_whole_number(value: object) -> bool:
    # bool is an int subclass, and True must not pass for one cent.
    return isinstance(value, int) and not isinstance(value, bool)


def check_amount_is_positive_and_sane(amount_cents: object, field: str = "amount_cents") -> None:
    if not _is_whole_number(amount_cents):
        raise AmountOutOfRange("amount must be a whole number of cents", field)
    if not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        raise AmountOutOfRange(f"amount must be between 1 and {MAX_AMOUNT_CENTS} cents", field)


def check_amount_is_not_negative_and_sane(amount_cents: object, field: str) -> None:
    if not _is_whole_number(amount_cents):
        raise AmountOutOfRange("amount must be a whole number of cents", field)
    if not 0 <= amount_cents <= MAX_AMOUNT_CENTS:
        raise AmountOutOfRange(f"amount must be between 0 and {MAX_AMOUNT_CENTS} cents", field)


def check_direction_is_credit_or_debit(direction: object) -> None:
    if direction not in DIRECTIONS:
        raise UnknownDirection("direction must be credit or debit", "direction")


def check_mode_is_a_manual_mode(mode: object) -> None:
    if mode is not None and mode not in MANUAL_MODES:
        raise UnknownMode(f"mode must be one of {', '.join(sorted(MANUAL_MODES))}", "mode")


def check_mode_is_a_settlement_mode(mode: object) -> None:
    if mode not in MODES:
        raise UnknownMode(f"settlement mode must be one of {', '.join(MODES)}", "mode")


def check_mode_is_a_paying_mode(mode: object) -> None:
    if mode not in PAYING_MODES:
        raise UnknownMode(f"money is received in one of {', '.join(sorted(PAYING_MODES))}",
                          "received")


def check_label_fits(label: object) -> None:
    if label is None:
        return
    if not isinstance(label, str):
        raise InvalidLabel("label must be text", "label")
    if len(label) > MAX_LABEL_LENGTH:
        raise LabelTooLong(f"label is longer than {MAX_LABEL_LENGTH} characters", "label")


def check_version_is_a_positive_count(version: object) -> None:
    # Version 0 means "no settlement applied yet", so a settlement itself starts at 1.
    if not _is_whole_number(version) or version < 1:
        raise InvalidVersion("version must be a whole number from 1", "version")


def check_attempt_is_a_count(attempt: object) -> None:
    if not _is_whole_number(attempt) or attempt < 0:
        raise InvalidAttempt("attempt must be a whole number from 0", "attempt")


def check_name_is_a_name(name: object) -> str:
    """The name as it will be kept: stripped, 1 to 200 characters."""
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= MAX_NAME_LENGTH:
        raise InvalidCustomer(f"name must have 1 to {MAX_NAME_LENGTH} characters", "name")
    return name.strip()


def check_email_looks_like_an_address(email: object) -> None:
    if email is None:
        return
    if not isinstance(email, str) or len(email) > MAX_EMAIL_LENGTH or "@" not in email:
        raise InvalidCustomer(f"email must be an address of at most {MAX_EMAIL_LENGTH} characters",
                              "email")
