"""Column types shared by the models."""

from enum import StrEnum

from sqlalchemy import JSON, Enum


def stored_enum(enum: type[StrEnum]) -> Enum:
    """A StrEnum kept as its plain value in a VARCHAR (no native enum to migrate)."""
    return Enum(
        enum,
        native_enum=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


Json = JSON()
