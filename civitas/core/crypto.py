"""Encryption at rest and keyed digests for personal data.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256). Keys come from
``FIELD_ENCRYPTION_KEYS`` (the first encrypts, all decrypt, so keys can rotate); with
none set, a key is derived from SECRET_KEY so that the embedded default works.
Equality look-ups (is this mobile number taken?) use a keyed HMAC digest instead of the
ciphertext, which differs on every write.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _derive(purpose: str, secret: str) -> bytes:
    return hashlib.sha256(f"civitas:{purpose}:{secret}".encode()).digest()


@functools.cache
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS) or [
        base64.urlsafe_b64encode(_derive("field-encryption", settings.SECRET_KEY)).decode()
    ]
    return MultiFernet([Fernet(key) for key in keys])


@functools.cache
def _digest_key() -> bytes:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    return _derive("lookup-digest", keys[-1] if keys else settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        # A value written before encryption was switched on reads as itself.
        return token


def lookup_digest(value: str) -> str:
    return hmac.new(_digest_key(), value.encode(), hashlib.sha256).hexdigest()
