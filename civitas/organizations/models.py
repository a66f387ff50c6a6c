from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.text import localized


class RegionLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


REGION_LEVEL_ORDER = [RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY]


class Region(models.Model):
    """City → district → street → community.

    ``path`` is the chain of ids from the city down (``/1/4/17/``), so "everything in this
    district" is one indexed prefix match instead of a walk down the tree.
    """

    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    population = models.PositiveBigIntegerField(_("resident population"), default=0)
    path = models.CharField(max_length=100, db_index=True, editable=False, default="")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return localized(self)

    @property
    def display_name(self) -> str:
        return localized(self)

    def is_within(self, other: Region) -> bool:
        """True when this region is ``other`` or lies inside it."""
        return self.path.startswith(other.path)


class OrganizationKind(models.TextChoices):
    MEMBER_UNIT = "member_unit", _("Member unit")
    TEAM = "team", _("Volunteer team")
    STATION = "station", _("Community service station")


class UnitType(models.TextChoices):
    GOVERNMENT = "government", _("Government body")
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    SOCIAL = "social", _("Social organization")
    OTHER = "other", _("Other")


class OrganizationStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    unit_type = models.CharField(_("unit type"), max_length=20, choices=UnitType.choices, default=UnitType.OTHER)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("region"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrganizationStatus.choices, default=OrganizationStatus.PENDING, db_index=True
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    contact_email = models.EmailField(_("contact email"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=40, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["kind", "status"]),
            # The public list (page and API) orders approved organizations by name: with
            # this index PostgreSQL reads one page of them in order instead of sorting all.
            models.Index(fields=["status", "name", "id"], name="organization_status_name_idx"),
        ]

    def __str__(self) -> str:
        return localized(self)

    @property
    def display_name(self) -> str:
        return localized(self)

    @property
    def is_approved(self) -> bool:
        return self.status == OrganizationStatus.APPROVED


class OrganizationEvent(models.Model):
    """Every status change of an organization, with who made it and why."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=OrganizationStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrganizationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Administrator")


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    LEFT = "left", _("Left")


ACTIVE_MEMBERSHIP_STATUSES = (MembershipStatus.APPLIED, MembershipStatus.APPROVED)
STAFF_ROLES = (MembershipRole.COORDINATOR, MembershipRole.ADMIN)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    status = models.CharField(
        _("status"), max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.APPLIED
    )
    note = models.TextField(_("note"), blank=True, max_length=1000)
    decision_reason = models.TextField(_("reason"), blank=True, max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(status__in=["applied", "approved"]),
                name="one_active_membership_per_organization",
            )
        ]
        indexes = [models.Index(fields=["organization", "status"]), models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"

    @property
    def is_staff_role(self) -> bool:
        return self.status == MembershipStatus.APPROVED and self.role in STAFF_ROLES


class CommitteeRole(models.TextChoices):
    STAFF = "staff", _("Committee staff")
    AUDITOR = "auditor", _("Auditor")


class CommitteeAssignment(models.Model):
    """A person working for the civilization office or volunteer federation, over a region.

    Staff whose region is the city see the whole city; district staff their district.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee", verbose_name=_("person")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="committee", verbose_name=_("region"))
    role = models.CharField(_("role"), max_length=20, choices=CommitteeRole.choices, default=CommitteeRole.STAFF)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("committee assignment")
        verbose_name_plural = _("committee assignments")

    def __str__(self) -> str:
        return f"{self.user} · {self.region} · {self.get_role_display()}"
