from __future__ import annotations

from typing import Any

from django.db import models

from civitas.core import crypto


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; the model attribute holds the plain value.

    Not searchable: pair it with a digest column (``crypto.lookup_digest``) for look-ups.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)
