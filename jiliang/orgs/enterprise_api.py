"""The enterprise database's endpoints: the regulators' search, profiles, the import of a list,
and self-registration with the bureaus' decision."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jiliang.accounts.forms import PASSWORD_MAX_LENGTH
from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404, patch_data
from jiliang.core.ratelimit import APIThrottle
from jiliang.orgs import enterprise_selectors as selectors
from jiliang.orgs import enterprise_services as services
from jiliang.orgs.api import OrganisationOut, RegionBrief
from jiliang.orgs.choices import Industry, MeasurementSystemStatus, RegistrationStatus, SizeClass
from jiliang.orgs.enterprise_import import RegionFinder, enterprise_import
from jiliang.orgs.enterprise_models import EnterpriseProfile, EnterpriseRegistration
from jiliang.orgs.enterprise_selectors import SORTS
from jiliang.orgs.enterprise_views import REGISTRATION_REQUESTS_PER_HOUR
from jiliang.orgs.models import Region

router = Router(tags=["enterprises"])

INDUSTRY_CODE = r"^([0-9]{2}|[0-9]{4})?$"


class ProfileOut(Schema):
    organisation_id: int
    industry_code: str
    industry_name: str
    employees: int | None
    revenue: Decimal | None = Field(description="Annual revenue in 10,000 yuan (万元)")
    total_assets: Decimal | None = Field(description="In 10,000 yuan (万元)")
    size_class: SizeClass | None = Field(description="The effective class")
    computed_size_class: SizeClass | None = Field(description="By 工信部联企业〔2011〕300号")
    size_class_override: SizeClass | None
    size_class_override_reason: str
    main_products: str
    key_processes: str
    metrology_staff_count: int | None
    metrology_staff: str
    measurement_standards: list[str]
    measurement_system: MeasurementSystemStatus
    tags: list[str]

    @staticmethod
    def resolve_industry_name(obj):
        return obj.industry.name if obj.industry else ""

    @staticmethod
    def resolve_size_class(obj):
        return obj.size_class or None

    @staticmethod
    def resolve_computed_size_class(obj):
        return obj.computed_size_class or None

    @staticmethod
    def resolve_size_class_override(obj):
        return obj.size_class_override or None

    @staticmethod
    def resolve_measurement_standards(obj):
        return obj.standards_list

    @staticmethod
    def resolve_tags(obj):
        return [tag.name for tag in obj.tags.all()]


class EnterpriseOut(OrganisationOut):
    industry_code: str
    employees: int | None
    revenue: Decimal | None

    @staticmethod
    def resolve_industry_code(obj):
        return obj.profile.industry_code

    @staticmethod
    def resolve_employees(obj):
        return obj.profile.employees

    @staticmethod
    def resolve_revenue(obj):
        return obj.profile.revenue


class ProfilePatch(Schema):
    industry_code: str | None = Field(None, pattern=INDUSTRY_CODE)
    employees: int | None = Field(None, ge=0, le=2**31 - 1)
    revenue: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    total_assets: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    size_class_override: SizeClass | Literal[""] | None = Field(
        None, description='Regulators only; "" clears it'
    )
    size_class_override_reason: str | None = Field(None, max_length=300)
    main_products: str | None = Field(None, max_length=5000)
    key_processes: str | None = Field(None, max_length=5000)
    metrology_staff_count: int | None = Field(None, ge=0, le=2**31 - 1)
    metrology_staff: str | None = Field(None, max_length=5000)
    measurement_standards: list[str] | None = Field(None, max_length=200)
    measurement_system: MeasurementSystemStatus | None = None
    tags: list[str] | None = Field(None, max_length=50)


class EnterpriseFilters(Schema):
    q: str = Field("", max_length=100, description="Part of the name")
    uscc: str = Field("", max_length=18, description="Part of the credit code")
    region: Id | None = Field(None, description="Region id: its whole subtree")
    section: Industry | None = None
    division: str = Field("", pattern=r"^([0-9]{2})?$", description="GB/T 4754 division")
    size: SizeClass | None = None
    tags: list[str] = Field([], description="Every one of these tags")
    sort: Literal[tuple(SORTS)] = "name"


class ImportOut(Schema):
    created: int


class RegistrationOut(Schema):
    id: int
    status: RegistrationStatus
    organisation_id: int
    name: str
    uscc: str
    region: RegionBrief
    applicant: str
    created: datetime
    decided_at: datetime | None
    reason: str = Field(description="Why it was rejected, or what the bureau added")

    @staticmethod
    def resolve_name(obj):
        return obj.organisation.name

    @staticmethod
    def resolve_uscc(obj):
        return obj.organisation.uscc

    @staticmethod
    def resolve_region(obj):
        return obj.organisation.region

    @staticmethod
    def resolve_applicant(obj):
        return obj.applicant.username


class RegistrationIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    uscc: str = Field(min_length=1, max_length=30, description="统一社会信用代码")
    region: str = Field(
        min_length=1, max_length=100, description="The county or district: its name or its code"
    )
    industry_code: str = Field(pattern=r"^[0-9]{2}([0-9]{2})?$", description="GB/T 4754-2017")
    employees: int = Field(ge=0, le=2**31 - 1)
    revenue: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="In 万元")
    total_assets: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    contact_name: str = Field(min_length=1, max_length=100)
    contact_phone: str = Field(min_length=1, max_length=40)
    contact_email: str = Field(min_length=1, max_length=254)
    username: str = Field(min_length=1, max_length=150, description="The administrator's")
    password: str = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)


FIGURES = {"industry_code", "employees", "revenue", "total_assets"}
REGISTRATION_THROTTLE = APIThrottle("enterprise-registration", REGISTRATION_REQUESTS_PER_HOUR)


class DecisionIn(Schema):
    confirm: bool
    reason: str = Field("", max_length=300)


@router.get("/enterprises", response={200: list[EnterpriseOut], 404: ErrorOut})
@paginate
def enterprise_list(request, filters: Query[EnterpriseFilters]):
    """The enterprises you see, filtered; the filters other apps register
    (``orgs.enterprise_filters``) are further query parameters named by their keys."""
    region = get_visible_or_404(Region, request, pk=filters.region) if filters.region else None
    return selectors.enterprise_list(
        user=request.user,
        q=filters.q,
        uscc=filters.uscc,
        region=region,
        section=filters.section or "",
        division=filters.division,
        size=filters.size or "",
        tags=filters.tags,
        extra=request.GET,
        sort=filters.sort,
    )


def _profile(request, organisation_id):
    profiles = EnterpriseProfile.objects.visible_to(request.user)
    return get_object_or_404(
        profiles.select_related("organisation__region").prefetch_related("tags"),
        pk=organisation_id,
    )


@router.get("/enterprises/{int:organisation_id}/profile", response=ProfileOut)
def profile_detail(request, organisation_id: Id):
    return _profile(request, organisation_id)


@router.patch(
    "/enterprises/{int:organisation_id}/profile",
    response={200: ProfileOut, 400: ErrorOut, 403: ErrorOut},
)
def profile_update(request, organisation_id: Id, payload: ProfilePatch):
    profile = _profile(request, organisation_id)
    data = patch_data(payload, EnterpriseProfile)
    tags = data.pop("tags", None)
    if "measurement_standards" in data:
        data["measurement_standards"] = "\n".join(data["measurement_standards"] or [])
    services.enterprise_profile_update(actor=request.user, profile=profile, data=data, tags=tags)
    return _profile(request, organisation_id)


@router.post("/enterprises/import", response={201: ImportOut, 400: ErrorOut, 403: ErrorOut})
def import_enterprises(request, file: File[UploadedFile]):
    """A list of enterprises from xlsx, xls, ods or CSV, all or nothing: each problem names its
    row and column (the error's field: "row 3: uscc")."""
    created = enterprise_import(actor=request.user, content=file.read(), filename=file.name)
    return Status(201, {"created": len(created)})


@router.post(
    "/enterprise-registrations",
    auth=None,
    throttle=REGISTRATION_THROTTLE,
    response={201: RegistrationOut, 400: ErrorOut},
)
def registration_create(request, payload: RegistrationIn):
    """Open to anyone, as the registration page (and counted with it, per address): an inactive
    enterprise, its administrator and a registration waiting for a bureau above its region.
    The applicant then signs in with the username and password (a session, or a token made
    on the account page) and reads the registration by its id."""
    try:
        region = RegionFinder.everywhere().find(payload.region.strip())
    except ValidationError as error:
        raise ValidationError({"region": error.messages}) from None
    fields = payload.dict(include=set(services.REGISTRATION_FIELDS) - {"region"})
    registration = services.enterprise_register(
        **fields, region=region, figures=payload.dict(include=FIGURES)
    )
    return Status(201, registration)


@router.get("/enterprise-registrations", response=list[RegistrationOut])
@paginate
def registration_list(request):
    """The registrations waiting for a bureau you act for."""
    return selectors.registrations_to_decide(user=request.user)


@router.get("/enterprise-registrations/{int:registration_id}", response=RegistrationOut)
def registration_detail(request, registration_id: Id):
    """Its applicant and the enterprise's administrators read it, as do the bureaus above."""
    registrations = EnterpriseRegistration.objects.visible_to(request.user)
    return get_object_or_404(
        registrations.select_related("organisation__region", "applicant"), pk=registration_id
    )


@router.post(
    "/enterprise-registrations/{int:registration_id}/decision",
    response={200: RegistrationOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
)
def registration_decide(request, registration_id: Id, payload: DecisionIn):
    """A bureau above the enterprise's region decides once: 409 when it is decided already."""
    registration = get_visible_or_404(EnterpriseRegistration, request, pk=registration_id)
    try:
        return services.registration_decide(
            actor=request.user, registration=registration, **payload.dict()
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "decided":
            raise HttpError(409, " ".join(error.messages)) from None
        raise
