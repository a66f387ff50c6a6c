"""Masked forms of personal data, for everyone who may not see the whole value."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """``110101199003071234`` → ``110***********1234``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_mobile(value: str | None) -> str:
    """``+8613812345678`` → ``138****5678``; other countries keep their code."""
    if not value:
        return ""
    national = value[3:] if value.startswith("+86") else value
    if len(national) < 7:
        return "*" * len(national)
    return national[:3] + "*" * (len(national) - 7) + national[-4:]


def mask_email(value: str | None) -> str:
    if not value or "@" not in value:
        return ""
    local, domain = value.split("@", 1)
    return (local[:1] + "***@" + domain) if local else "***@" + domain


def mask_name(value: str | None) -> str:
    """A name shown to strangers, such as on a certificate check: ``张三丰`` → ``张*丰``."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
