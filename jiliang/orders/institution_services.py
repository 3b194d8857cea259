"""Writes of what an institution keeps once for its certificates: the numbering rule and its
measurement standards; its administrators make them, as they set its time limits."""

from __future__ import annotations

from django.db import transaction

from jiliang.core import audit
from jiliang.core.services import model_update, require_editable, require_organisation_role
from jiliang.orders.models import CertificateNumberRule, MeasurementStandard
from jiliang.orders.services import TIME_LIMIT_ROLES, may_set_time_limits

RULE_FIELDS = ["prefix", "pattern"]
STANDARD_FIELDS = ["name", "certificate_number", "accuracy", "valid_until", "is_active"]


def may_edit_settings(user, institution) -> bool:
    """Whether ``user`` keeps the institution's numbering rule and standards: its
    administrators, who set its time limits too."""
    return may_set_time_limits(user, institution)


@transaction.atomic
def number_rule_set(*, actor, institution, prefix: str, pattern: str) -> CertificateNumberRule:
    """Create or change the institution's rule; the sequence of the year goes on."""
    require_organisation_role(actor, institution, TIME_LIMIT_ROLES)
    rule = CertificateNumberRule.objects.select_for_update().filter(institution=institution)
    rule = rule.first()
    data = {"prefix": prefix, "pattern": pattern}
    if rule is None:
        rule = CertificateNumberRule(institution=institution, **data)
        rule.full_clean()
        rule.save()
        changes = {name: [None, value] for name, value in data.items()}
    else:
        changes = model_update(instance=rule, data=data, fields=RULE_FIELDS)
    audit.record(
        actor=actor,
        action="orders.number_rule.set",
        instance=rule,
        organisation=institution,
        changes=changes,
    )
    return rule


@transaction.atomic
def standard_create(*, actor, institution, **fields) -> MeasurementStandard:
    require_organisation_role(actor, institution, TIME_LIMIT_ROLES)
    standard = MeasurementStandard(institution=institution, **fields)
    standard.full_clean()
    standard.save()
    audit.record(
        actor=actor,
        action="orders.standard.created",
        instance=standard,
        organisation=institution,
        changes={"name": [None, standard.name]},
    )
    return standard


@transaction.atomic
def standard_update(*, actor, standard: MeasurementStandard, **fields) -> MeasurementStandard:
    """Change a standard; one no longer in use is kept (certificates name it), not offered."""
    require_editable(actor, standard)
    changes = model_update(instance=standard, data=fields, fields=STANDARD_FIELDS)
    audit.record(
        actor=actor,
        action="orders.standard.updated",
        instance=standard,
        organisation=standard.institution,
        changes=changes,
    )
    return standard


@transaction.atomic
def number_rule_delete(*, actor, institution) -> None:
    """No rule: certificate numbers are typed with the results again."""
    require_organisation_role(actor, institution, TIME_LIMIT_ROLES)
    rule = CertificateNumberRule.objects.filter(institution=institution).first()
    if rule is None:
        return
    rule.delete()
    audit.record(
        actor=actor,
        action="orders.number_rule.deleted",
        subject=str(rule),
        organisation=institution,
        changes={"pattern": [rule.pattern, None]},
    )
