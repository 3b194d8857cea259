"""Every write to the enterprise database: profiles, tags, self-registration and its decision.

An enterprise's own administrators and staff keep its profile; the bureaus above its region
(their administrators and staff) and platform administrators may also set its size class by hand,
with a reason. The profile's industry code and size class decide the organisation's section and
size class, written in the same transaction (``_classify``).

A self-registered enterprise is an inactive organisation with its first administrator: no
membership of an inactive organisation counts in anyone's scope (``core.scoping``), so until a
bureau confirms it the applicant can sign in and read the registration, and nothing else.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.accounts.services import user_create
from jiliang.core import audit
from jiliang.core.services import model_update, require_editable
from jiliang.orgs import sizing
from jiliang.orgs.choices import OrganisationKind, RegistrationStatus, Role
from jiliang.orgs.enterprise_models import (
    GIVEN_REASON,
    PLACEHOLDER_REASONS,
    TAG_MAX_LENGTH,
    EnterpriseProfile,
    EnterpriseRegistration,
    Tag,
    normalise_tag,
)
from jiliang.orgs.enterprise_selectors import regulates
from jiliang.orgs.industries import industry_codes, validate_industry_code
from jiliang.orgs.models import Membership, Organisation
from jiliang.orgs.validators import normalise_uscc

PROFILE_FIELDS = [
    "industry_code",
    "employees",
    "revenue",
    "total_assets",
    "main_products",
    "key_processes",
    "metrology_staff_count",
    "metrology_staff",
    "measurement_standards",
    "measurement_system",
]
OVERRIDE_FIELDS = ["size_class_override", "size_class_override_reason"]


def _classify(profile: EnterpriseProfile, organisation: Organisation) -> None:
    """The profile's class by the rule, and the organisation's section and size class from
    the profile; a ValidationError naming the figures missing when no class results."""
    entry = industry_codes().get(profile.industry_code)
    if entry is not None:
        organisation.industry = entry.section
    elif profile.industry_code:
        # A code outside the table, named now: the organisation would miss its section first.
        try:
            validate_industry_code(profile.industry_code)
        except ValidationError as error:
            raise ValidationError({"industry_code": error.messages}) from None
    figures = {
        sizing.EMPLOYEES: profile.employees,
        sizing.REVENUE: profile.revenue,
        sizing.ASSETS: profile.total_assets,
    }
    profile.computed_size_class = sizing.size_class(profile.industry_code, **figures) or ""
    if profile.computed_size_class and profile.size_class_override_reason in PLACEHOLDER_REASONS:
        profile.size_class_override = profile.size_class_override_reason = ""
    if not profile.size_class:
        missing = (
            sizing.missing_measures(profile.industry_code, **figures)
            if entry
            else ["industry_code"]
        )
        raise ValidationError(
            {name: _("Needed to classify the enterprise's size.") for name in missing}
        )
    organisation.size_class = profile.size_class


def profile_for_new_enterprise(organisation: Organisation, **figures) -> EnterpriseProfile:
    """The profile of an enterprise being created (inside its creating service): classified
    from ``figures``, or keeping the size class given when there are none."""
    profile = EnterpriseProfile(organisation=organisation, **figures)
    if profile.industry_code:
        _classify(profile, organisation)
    elif organisation.size_class:
        profile.size_class_override = organisation.size_class
        profile.size_class_override_reason = GIVEN_REASON
    return profile


def save_new_enterprise(organisation: Organisation, profile: EnterpriseProfile) -> None:
    organisation.full_clean()
    organisation.save()
    profile.organisation = organisation
    profile.full_clean()
    profile.save()


@transaction.atomic
def enterprise_profile_update(
    *, actor, profile: EnterpriseProfile, data: dict, tags: list[str] | None = None
) -> EnterpriseProfile:
    """The enterprise's members (admin, staff) and the bureaus above it keep the profile; only
    the bureaus and platform administrators set the size class by hand (with a reason)."""
    require_editable(actor, profile)
    organisation = profile.organisation
    may_override = regulates(actor, organisation)
    if not may_override and set(data) & set(OVERRIDE_FIELDS):
        raise PermissionDenied(_("Only a regulator may set the size class by hand."))
    fields = PROFILE_FIELDS + (OVERRIDE_FIELDS if may_override else [])
    if data.get("size_class_override") == "":
        data = {**data, "size_class_override_reason": ""}
    classified = ["computed_size_class", *OVERRIDE_FIELDS]
    class_before = audit.snapshot(profile, classified)
    changes = model_update(instance=profile, data=data, fields=fields, save=False)
    before = audit.snapshot(organisation, ["industry", "size_class"])
    _classify(profile, organisation)
    reclassified = audit.changes_between(class_before, audit.snapshot(profile, classified))
    if changes or reclassified:
        profile.save(update_fields=list({*changes, *reclassified, "updated"}))
    changes |= audit.changes_between(
        before, audit.snapshot(organisation, ["industry", "size_class"])
    )
    if set(changes) & {"industry", "size_class"}:
        organisation.full_clean()
        organisation.save(update_fields=["industry", "size_class", "updated"])
    if tags is not None:
        changes |= _set_tags(profile, tags)
    if changes:
        audit.record(
            actor=actor,
            action="orgs.profile.updated",
            instance=profile,
            organisation=organisation,
            changes=changes,
        )
    return profile


def _set_tags(profile: EnterpriseProfile, names: list[str]) -> dict:
    wanted = sorted({normalise_tag(name) for name in names} - {""})
    too_long = [name for name in wanted if len(name) > TAG_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "tags": _("A tag has at most %(count)d characters: %(tag)s.")
                % {"count": TAG_MAX_LENGTH, "tag": too_long[0]}
            }
        )
    old = sorted(profile.tags.values_list("name", flat=True))
    if old == wanted:
        return {}
    Tag.objects.bulk_create([Tag(name=name) for name in wanted], ignore_conflicts=True)
    profile.tags.set(Tag.objects.filter(name__in=wanted))
    return {"tags": ["、".join(old), "、".join(wanted)]}


def organisation_classification_changed(organisation: Organisation, changes: dict) -> None:
    """Keep an enterprise's profile in step when its organisation's form changes the section
    or the size class (``services.organisation_update``): the section must stay the industry
    code's, and a size class computed from the figures changes only through the profile."""
    profile = EnterpriseProfile.objects.filter(organisation=organisation).first()
    if profile is None:
        return
    entry = industry_codes().get(profile.industry_code)
    if "industry" in changes and entry and entry.section != organisation.industry:
        raise ValidationError(
            {
                "industry": _("The section follows the industry code %(code)s of the profile.")
                % {"code": entry}
            }
        )
    if "size_class" in changes and organisation.size_class != profile.size_class:
        if profile.computed_size_class:
            raise ValidationError(
                {
                    "size_class": _(
                        "The size class follows the employees and revenue of the enterprise "
                        "profile; a regulator may set another there, with a reason."
                    )
                }
            )
        profile.size_class_override = organisation.size_class
        profile.size_class_override_reason = profile.size_class_override_reason or GIVEN_REASON
        profile.full_clean()
        profile.save()


REGISTRATION_FIELDS = [
    "name",
    "uscc",
    "region",
    "contact_name",
    "contact_phone",
    "contact_email",
    "username",
    "password",
]


@transaction.atomic
def enterprise_register(
    *,
    name: str,
    uscc: str,
    region,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    username: str,
    password: str,
    figures: dict,
    check_password_strength: bool = True,
) -> EnterpriseRegistration:
    """An enterprise registers itself: an inactive organisation, its profile, its first
    administrator, and a registration waiting for a bureau above its region. (Only the demo
    loader skips the password's strength check.)"""
    organisation = Organisation(
        kind=OrganisationKind.ENTERPRISE,
        name=name,
        uscc=normalise_uscc(uscc),
        region=region,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        is_active=False,
    )
    profile = profile_for_new_enterprise(organisation, **figures)
    save_new_enterprise(organisation, profile)
    try:
        user = user_create(
            actor=None,
            username=username,
            email=contact_email,
            password=password,
            check_password_strength=check_password_strength,
            first_name=contact_name,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        # The password validators name no field: the page's and the API's errors do.
        raise ValidationError({"password": error.messages}) from None
    Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
    registration = EnterpriseRegistration.objects.create(organisation=organisation, applicant=user)
    audit.record(
        actor=user,
        action="orgs.registration.created",
        instance=registration,
        organisation=organisation,
        changes={"uscc": [None, organisation.uscc], "name": [None, name]},
    )
    return registration


@transaction.atomic
def registration_decide(
    *, actor, registration: EnterpriseRegistration, confirm: bool, reason: str = ""
) -> EnterpriseRegistration:
    """A bureau above the enterprise's region (admin or staff) or a platform administrator
    confirms the registration (the enterprise becomes active) or rejects it, saying why."""
    registration = (
        EnterpriseRegistration.objects.select_for_update()
        .select_related("organisation__region")
        .get(pk=registration.pk)
    )
    organisation = registration.organisation
    require_editable(actor, registration)
    if registration.status != RegistrationStatus.PENDING:
        raise ValidationError(_("This registration has been decided already."), code="decided")
    if not confirm and not reason.strip():
        raise ValidationError({"reason": _("Say why the registration is rejected.")})
    registration.status = RegistrationStatus.CONFIRMED if confirm else RegistrationStatus.REJECTED
    registration.decided_by, registration.decided_at = actor, timezone.now()
    registration.reason = reason.strip()
    registration.full_clean()
    registration.save()
    if confirm:
        organisation.is_active = True
        organisation.save(update_fields=["is_active", "updated"])
    audit.record(
        actor=actor,
        action=f"orgs.registration.{registration.status}",
        instance=registration,
        organisation=organisation,
        changes={
            "status": [RegistrationStatus.PENDING, registration.status],
            "reason": ["", registration.reason],
        },
    )
    return registration
