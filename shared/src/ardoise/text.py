"""Text people type (names, labels, addresses): one line, no control characters.

A control character in a name is never meant: it breaks the till receipt, the XLSX exports
(openpyxl refuses most of them) and any terminal the logs reach; a line separator or a
bidirectional override makes a name display as another. The gateways refuse them with a 422
naming the field, and the constraint is in each OpenAPI document.
"""

from typing import Annotated

from pydantic import StringConstraints

CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
ONE_LINE_PATTERN = rf"^[^{CONTROL_CHARACTERS}]*$"
EMAIL_PATTERN = rf"^[^@\s{CONTROL_CHARACTERS}]+@[^@\s{CONTROL_CHARACTERS}]+\.[^@\s{CONTROL_CHARACTERS}]+$"


def one_line(max_length: int, min_length: int = 0) -> object:
    """The constraints of a one-line text field, for `Annotated[str, one_line(200, 1)]`."""
    return StringConstraints(pattern=ONE_LINE_PATTERN, min_length=min_length,
                             max_length=max_length)


Name = Annotated[str, one_line(200, min_length=1)]
Label = Annotated[str, one_line(200)]
Email = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN, max_length=254)]
