"""Service-record certificates: issue, sign, render, revoke.

A certificate's facts are written as canonical JSON (sorted keys, no spaces) and signed
with Ed25519. The payload and signature are shown on the public verification page and
the public key is published at /certificates/public-key.pem, so anyone can check a
certificate offline::

    openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in payload.json -sigfile signature.bin
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import io
import json
import secrets
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.accounts.audit import audit
from civitas.core.errors import Conflict
from civitas.core.events import publish
from civitas.core.masking import mask_name
from civitas.core.text import localized
from civitas.ledger.models import Certificate, RecordStatus, ServiceRecord

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@functools.cache
def signing_key() -> Ed25519PrivateKey:
    configured = (settings.CIVITAS.get("CERTIFICATE_SIGNING_KEY") or "").strip()
    if configured.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(configured.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("CERTIFICATE_SIGNING_KEY must be an Ed25519 key")
        return key
    if configured:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(configured))
    # Development: a key derived from SECRET_KEY, so the embedded default works.
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"civitas:certificate-signing:{settings.SECRET_KEY}".encode()).digest()
    )


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_pem() -> str:
    return public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def issuer_name() -> str:
    return settings.CIVITAS.get("CERTIFICATE_ISSUER") or settings.CIVITAS.get("SITE_NAME") or "Civitas"


def payload_facts(certificate: Certificate) -> dict[str, Any]:
    """The signed facts as a mapping; a payload that is not the JSON object this module
    wrote (a damaged or forged row) reads as no facts, and its signature fails."""
    try:
        facts = json.loads(certificate.payload)
    except ValueError:
        return {}
    return facts if isinstance(facts, dict) else {}


def signature_is_valid(certificate: Certificate) -> bool:
    try:
        public_key().verify(base64.b64decode(certificate.signature), certificate.payload.encode())
    except Exception:
        return False
    return True


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def _period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
        timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)),
    )


def certificate_issue(*, volunteer: Any, period_start: dt.date, period_end: dt.date) -> Certificate:
    """Issue a signed certificate of a volunteer's approved hours in a period, across
    every organization that credited them."""
    if period_end < period_start:
        raise ValidationError({"period_end": [_("The end of the period must not be before its start.")]})
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": [_("The period cannot end in the future.")]})
    start, end = _period_bounds(period_start, period_end)
    records = ServiceRecord.objects.filter(
        volunteer=volunteer, status=RecordStatus.APPROVED, started_at__gte=start, started_at__lt=end
    )
    hours = records.aggregate(total=Sum("hours"))["total"] or Decimal("0")
    if hours <= 0:
        raise ValidationError({"period_start": [_("There are no approved hours in this period.")]})
    by_organization: dict[str, Decimal] = {}
    by_project: dict[str, Decimal] = {}
    for record in records.select_related("organization", "project"):
        name = localized(record.organization, "name")
        by_organization[name] = by_organization.get(name, Decimal("0")) + record.hours
        if record.project_id:
            title = localized(record.project, "title")
            by_project[title] = by_project.get(title, Decimal("0")) + record.hours
    organizations = [{"name": k, "hours": str(v)} for k, v in sorted(by_organization.items()) if v]
    projects = [{"title": k, "hours": str(v)} for k, v in sorted(by_project.items()) if v]
    profile = getattr(volunteer, "volunteer", None)
    name = profile.real_name if profile else volunteer.get_username()
    for _attempt in range(5):
        code = _new_code()
        issued_at = timezone.now().replace(microsecond=0)
        payload = json.dumps(
            {
                "code": code,
                "issuer": issuer_name(),
                "volunteer": mask_name(name),
                "volunteer_number": profile.volunteer_number if profile else "",
                "period": [period_start.isoformat(), period_end.isoformat()],
                "hours": str(hours.quantize(Decimal("0.01"))),
                "organizations": organizations,
                "projects": projects,
                "issued_at": issued_at.isoformat(),
            },
            ensure_ascii=False, sort_keys=True, separators=(",", ":"),
        )
        signature = base64.b64encode(signing_key().sign(payload.encode())).decode()
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    code=code, volunteer=volunteer, period_start=period_start, period_end=period_end,
                    hours=hours, organizations=organizations, projects=projects, issued_at=issued_at,
                    payload=payload, signature=signature,
                )
        except IntegrityError:
            continue
        publish("certificate.issued", certificate_id=certificate.pk)
        return certificate
    raise Conflict(_("Could not issue a certificate now; try again."), code="code_collision")


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor: Any, reason: str) -> Certificate:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise Conflict(_("This certificate is already revoked."), code="already_revoked")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the certificate is revoked.")]})
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoked_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    audit(actor=actor, action="certificate.revoke", target=certificate,
          details={"code": certificate.code, "volunteer_id": certificate.volunteer_id, "reason": certificate.revoked_reason})
    publish("certificate.revoked", certificate_id=certificate.pk)
    return certificate


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The certificate as PDF (A4). Chinese renders with reportlab's built-in CID font."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    facts = json.loads(certificate.payload)
    profile = getattr(certificate.volunteer, "volunteer", None)
    name = profile.real_name if profile else certificate.volunteer.get_username()
    page.setTitle(_("Service record certificate") + f" {certificate.code}")
    page.setFont(font, 22)
    page.drawCentredString(width / 2, height - 35 * mm, _("Volunteer service record certificate"))
    page.setFont(font, 12)
    y = height - 55 * mm
    lines = [
        _("This certifies that %(name)s (volunteer number %(number)s)") % {
            "name": name, "number": facts.get("volunteer_number", "")},
        _("served %(hours)s approved volunteer hours from %(start)s to %(end)s.") % {
            "hours": facts["hours"], "start": facts["period"][0], "end": facts["period"][1]},
    ]
    for line in lines:
        page.drawString(25 * mm, y, line)
        y -= 8 * mm
    y -= 4 * mm
    page.setFont(font, 13)
    page.drawString(25 * mm, y, _("Organizations"))
    y -= 7 * mm
    page.setFont(font, 11)
    for row in facts["organizations"]:
        page.drawString(30 * mm, y, f"{row['name']}  ·  {row['hours']} " + _("hours"))
        y -= 6 * mm
        if y < 80 * mm:
            break
    if facts["projects"]:
        y -= 4 * mm
        page.setFont(font, 13)
        page.drawString(25 * mm, y, _("Projects"))
        y -= 7 * mm
        page.setFont(font, 11)
        for row in facts["projects"]:
            if y < 80 * mm:
                page.drawString(30 * mm, y, "…")
                break
            page.drawString(30 * mm, y, f"{row['title']}  ·  {row['hours']} " + _("hours"))
            y -= 6 * mm
    widget = QrCodeWidget(verify_url)
    x0, y0, x1, y1 = widget.getBounds()
    size = 40 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, page, width - 25 * mm - size, 25 * mm)
    page.setFont(font, 10)
    page.drawString(25 * mm, 55 * mm, _("Issued by %(issuer)s on %(date)s") % {
        "issuer": facts["issuer"], "date": timezone.localtime(certificate.issued_at).strftime("%Y-%m-%d")})
    page.drawString(25 * mm, 48 * mm, _("Certificate code: %(code)s") % {"code": certificate.code})
    page.drawString(25 * mm, 41 * mm, _("Verify: %(url)s") % {"url": verify_url})
    page.setFont(font, 7)
    page.drawString(25 * mm, 30 * mm, _("Ed25519 signature: %(signature)s") % {"signature": certificate.signature[:60]})
    page.drawString(25 * mm, 26 * mm, certificate.signature[60:])
    page.showPage()
    page.save()
    return buffer.getvalue()
