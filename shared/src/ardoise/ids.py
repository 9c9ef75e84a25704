"""Identifier formats shared by every service and gateway."""

from typing import Annotated

from pydantic import Field, StringConstraints

PRODUCER_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
CUSTOMER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"

ProducerId = Annotated[
    str, StringConstraints(pattern=PRODUCER_ID_PATTERN), Field(examples=["ferme-des-saules"])
]
CustomerId = Annotated[
    str, StringConstraints(pattern=CUSTOMER_ID_PATTERN), Field(examples=["c-0042"])
]
