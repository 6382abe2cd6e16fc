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
    # A password handed out by an administrator (or the setup command): it expires, and must be changed at the
    # first sign-in (accounts.passwords, accounts.middleware).
    password_is_temporary = models.BooleanField(_("temporary password"), default=False, editable=False)
    temporary_password_expires_at = models.DateTimeField(
        _("temporary password expires at"), null=True, blank=True, editable=False
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


def people_of(organisation: Organisation | int) -> models.QuerySet[User]:
    """The organisation's members who are people: never the accounts that API clients act through (redalert.api
    gives each client one, named by its reverse relation `api_client`), which must not be listed, assigned or
    added to a case team."""
    return User.objects.filter(organisation=organisation, api_client__isnull=True)


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


class DutyKind(models.TextChoices):
    GRANT_ROLES = "grant_roles", _("Grant roles")
    RESET_SECOND_FACTOR = "reset_second_factor", _("Reset two-step verification")


class DutyState(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class DutyRequest(models.Model):
    """A change to a member's access that needs a second person of the organisation (accounts.duties)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="duty_requests")
    kind = models.CharField(_("kind"), max_length=32, choices=DutyKind.choices)
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="duty_requests_about")
    roles = models.JSONField(_("roles to grant"), default=list, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="duty_requests_made")
    requested_at = models.DateTimeField(_("requested at"))
    state = models.CharField(_("state"), max_length=16, choices=DutyState.choices, default=DutyState.PENDING)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="duty_requests_decided", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["requested_at", "pk"]
        constraints = [
            # The database holds the rule too: nobody decides her own request, nor one about herself.
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | (~models.Q(decided_by=models.F("requested_by")) & ~models.Q(decided_by=models.F("member"))),
                name="duty_request_second_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(requested_by=models.F("member")), name="duty_request_not_about_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member}"


class MemberSession(models.Model):
    """One signed-in session of a member, so that she can see where she is signed in and end a session.

    Written by accounts.middleware (first request of a session, then at most once a minute); the session itself
    stays in Django's session store, and signing out deletes it there."""

    session_key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions_seen")
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    user_agent = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user}: {self.user_agent[:40]}"
