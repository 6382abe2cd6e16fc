from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.accounts.roles import CASE_ROLES, Role


class OrganisationType(models.TextChoices):
    """HTCDS 2.0 organisation types."""

    NGO = "NGO", _("Non-governmental organisation")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH_SERVICE = "HealthServiceOrganisation", _("Health service organisation")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government organisation")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government organisation")
    IMMIGRATION = "ImmigrationService", _("Immigration service")
    LEGAL_SERVICE = "LegalService", _("Legal service")
    CORPORATE = "CorporateBusiness", _("Corporate business")
    SCHOOL = "SchoolOrCollege", _("School or college")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(
        _("short code"),
        max_length=12,
        unique=True,
        help_text=_("Used in case references, e.g. CATW-2026-0001."),
    )
    kind = models.CharField(_("type"), max_length=40, choices=OrganisationType.choices, default=OrganisationType.NGO)
    country = models.CharField(_("country (ISO 3166-1)"), max_length=2)
    coalition_member = models.BooleanField(_("coalition member"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    public_contact = models.CharField(
        _("public contact line"),
        max_length=200,
        blank=True,
        help_text=_("Shown on public pages and bulletins. Never a family's or tipster's contact."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of one organisation. Roles are held through RoleAssignment."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    language = models.CharField(
        _("language"), max_length=8, choices=[("es", "Español"), ("en", "English"), ("pt", "Português")], default="es"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_set(self) -> frozenset[str]:
        """The user's roles, read once per request object."""
        cached: frozenset[str] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def works_on_cases(self) -> bool:
        return bool(self.role_set & CASE_ROLES)

    def set_roles(self, roles: list[str] | set[str]) -> None:
        RoleAssignment.objects.filter(user=self).exclude(role__in=roles).delete()
        for role in roles:
            RoleAssignment.objects.get_or_create(user=self, role=role)
        self.__dict__.pop("_role_cache", None)


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"
