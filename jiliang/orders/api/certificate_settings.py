"""What an institution keeps for its certificates: the numbering rule and its measurement
standards. Its members read them, its administrators change them."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Status

from jiliang.core.api import Id, Schema, get_visible_or_404
from jiliang.orders import institution_services, selectors
from jiliang.orders.api.common import REFUSALS, _member_institution, router
from jiliang.orders.api.schemas import Day
from jiliang.orders.api.time_limits import TimeLimitQuery
from jiliang.orders.models import MeasurementStandard


class NumberRuleOut(Schema):
    prefix: str
    pattern: str
    next_number: str = Field(description="The number the next generated certificate takes")
    year: int | None = Field(description="The year of the last number taken")
    last_sequence: int = Field(description="The sequence of the last number taken that year")


class NumberRuleIn(TimeLimitQuery):
    prefix: str = Field("", max_length=20)
    pattern: str = Field(
        max_length=60,
        description="{prefix}, {year} and {seq} (zero-padded as {seq:05d}); the sequence "
        "starts again at 1 each year",
    )


class StandardOut(Schema):
    id: int
    name: str
    certificate_number: str
    accuracy: str
    valid_until: date | None
    is_active: bool


class StandardIn(Schema):
    name: str = Field(max_length=200)
    certificate_number: str = Field("", max_length=100)
    accuracy: str = Field("", max_length=200, description="Uncertainty, class or MPE")
    valid_until: Day | None = None
    is_active: bool = True


class StandardCreateIn(StandardIn, TimeLimitQuery):
    pass


def _rule_out(rule) -> dict:
    return {
        "prefix": rule.prefix,
        "pattern": rule.pattern,
        "next_number": selectors.next_certificate_number(rule, timezone.localdate()),
        "year": rule.year,
        "last_sequence": rule.last_sequence,
    }


@router.get("/orders/certificate-number-rule", response={200: NumberRuleOut, **REFUSALS})
def number_rule_read(request, query: Query[TimeLimitQuery]):
    """The institution's rule for numbering generated certificates (404 when it has none:
    its certificate numbers are typed with the results)."""
    institution = _member_institution(request, query.institution)
    rule = selectors.number_rule(institution=institution)
    if rule is None:
        raise Http404(_("The institution has no numbering rule."))
    return _rule_out(rule)


@router.put("/orders/certificate-number-rule", response={200: NumberRuleOut, **REFUSALS})
def number_rule_set(request, payload: NumberRuleIn):
    """Create or change the rule (the institution's administrators); the year's sequence goes
    on under a changed pattern."""
    institution = _member_institution(request, payload.institution)
    rule = institution_services.number_rule_set(
        actor=request.user, institution=institution, prefix=payload.prefix, pattern=payload.pattern
    )
    return _rule_out(rule)


@router.delete("/orders/certificate-number-rule", response={204: None, **REFUSALS})
def number_rule_delete(request, query: Query[TimeLimitQuery]):
    """Remove the rule: certificate numbers are typed with the results again."""
    institution = _member_institution(request, query.institution)
    institution_services.number_rule_delete(actor=request.user, institution=institution)
    return Status(204, None)


@router.get("/orders/measurement-standards", response={200: list[StandardOut], **REFUSALS})
def standard_list(request, query: Query[TimeLimitQuery]):
    """The institution's measurement standards (计量标准), those in use first."""
    institution = _member_institution(request, query.institution)
    return selectors.institution_standards(user=request.user, institution=institution)


@router.post("/orders/measurement-standards", response={201: StandardOut, **REFUSALS})
def standard_create(request, payload: StandardCreateIn):
    """Add a standard (the institution's administrators)."""
    institution = _member_institution(request, payload.institution)
    fields = payload.dict(exclude={"institution"})
    standard = institution_services.standard_create(
        actor=request.user, institution=institution, **fields
    )
    return Status(201, standard)


@router.put(
    "/orders/measurement-standards/{int:standard_id}", response={200: StandardOut, **REFUSALS}
)
def standard_update(request, standard_id: Id, payload: StandardIn):
    """Change a standard; one no longer in use (``is_active`` false) is not offered for new
    results and stays on the certificates that name it."""
    standard = get_visible_or_404(MeasurementStandard, request, pk=standard_id)
    if not institution_services.may_edit_settings(request.user, standard.institution):
        raise PermissionDenied(_("Only the institution's administrators do this."))
    return institution_services.standard_update(
        actor=request.user, standard=standard, **payload.dict()
    )
