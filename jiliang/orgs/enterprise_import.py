"""Importing a list of enterprises from a spreadsheet (xlsx, xls, ods or CSV), all or nothing.

The first row names the columns, in Chinese or in English (``COLUMNS``); name, credit code,
region (a GB/T 2260 code or a name, within the importing bureau's subtree) and industry code are
required. Every problem names its row and column; when there is one, nothing is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.core import audit
from jiliang.core.scoping import any_of, scope_for
from jiliang.core.spreadsheets import read_rows
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.enterprise_models import ACTING_ROLES, EnterpriseProfile
from jiliang.orgs.enterprise_services import profile_for_new_enterprise
from jiliang.orgs.industries import validate_industry_code
from jiliang.orgs.models import Organisation, Region
from jiliang.orgs.validators import normalise_uscc, validate_uscc

# field: (label, the headers it is recognised by, normalised: lower case, no spaces or units)
COLUMNS = {
    "name": (gettext_lazy("Name"), ("name", "企业名称", "名称", "单位名称")),
    "uscc": (
        gettext_lazy("Unified social credit code"),
        ("uscc", "统一社会信用代码", "信用代码", "creditcode"),
    ),
    "region": (gettext_lazy("Region"), ("region", "地区", "所在地区", "行政区划", "区划代码")),
    "industry_code": (
        gettext_lazy("Industry code"),
        ("industrycode", "industry", "行业代码", "国民经济行业代码"),
    ),
    "employees": (gettext_lazy("Employees"), ("employees", "从业人员", "从业人员数")),
    "revenue": (gettext_lazy("Annual revenue"), ("revenue", "营业收入", "年营业收入")),
    "total_assets": (gettext_lazy("Total assets"), ("totalassets", "assets", "资产总额")),
    "address": (gettext_lazy("Address"), ("address", "地址", "注册地址")),
    "contact_name": (gettext_lazy("Contact person"), ("contact", "contactname", "联系人")),
    "contact_phone": (gettext_lazy("Contact phone"), ("phone", "contactphone", "联系电话")),
    "contact_email": (gettext_lazy("Contact e-mail"), ("email", "e-mail", "电子邮箱", "邮箱")),
}
REQUIRED = ("name", "uscc", "region", "industry_code")
UNIT = re.compile(r"[（(][^）)]*[）)]")  # 营业收入（万元）: the unit is ours anyway


def _header_key(text: str) -> str:
    return UNIT.sub("", "".join(text.split())).lower()


@dataclass
class Planned:
    organisation: Organisation
    profile: EnterpriseProfile


class RowProblems:
    """The problems found, keyed for the API by row and field, each saying both in words."""

    def __init__(self):
        self.by_key: dict[str, list[str]] = {}

    def add(self, row: int, field: str, header: str, message) -> None:
        text = _("Row %(row)d, %(column)s: %(message)s") % {
            "row": row,
            "column": header,
            "message": message,
        }
        self.by_key.setdefault(f"row {row}: {field}", []).append(text)


def _columns(header: list[str]) -> dict[str, int]:
    known = {alias: field for field, (_label, aliases) in COLUMNS.items() for alias in aliases}
    positions = {}
    for index, text in enumerate(header):
        field = known.get(_header_key(text))
        if field and field not in positions:
            positions[field] = index
    missing = [str(COLUMNS[field][0]) for field in REQUIRED if field not in positions]
    if missing:
        raise ValidationError(
            {
                "file": _("The first row must name the columns; missing: %(columns)s.")
                % {"columns": "、".join(missing)}
            }
        )
    return positions


class RegionFinder:
    """The regions an importer may place enterprises in (those below the bureaus the actor
    acts for), by code or by (unique) name."""

    def __init__(self, actor=None):
        scope = scope_for(actor)
        regions = Region.objects.all()
        if scope is not None and not scope.is_platform_admin:
            paths = Organisation.objects.filter(
                pk__in=scope.organisation_ids(ACTING_ROLES), kind=OrganisationKind.REGULATOR
            ).values_list("region__path", flat=True)
            if not paths:
                raise PermissionDenied(_("Only a bureau's administrators and staff import lists."))
            regions = regions.filter(any_of([Q(path__startswith=path) for path in paths]))
        self.by_code, self.by_name = {}, {}
        for region in regions.only("pk", "code", "name", "path"):
            self.by_code[region.code] = region
            self.by_name.setdefault(region.name, []).append(region)

    @classmethod
    def everywhere(cls) -> RegionFinder:
        """Every region (an enterprise registering itself names its own)."""
        return cls(None)

    def find(self, text: str) -> Region:
        region = self.by_code.get(text)
        if region is not None:
            return region
        named = self.by_name.get(text, [])
        if len(named) == 1:
            return named[0]
        if named:
            raise ValidationError(
                _("several regions are named %(name)s: give its code.") % {"name": text}
            )
        raise ValidationError(
            _("%(region)s matches no region you may choose: give its name or six-digit code.")
            % {"region": text}
        )


def _number(text: str, *, whole: bool):
    if not text:
        return None
    try:
        value = int(text) if whole else Decimal(text.replace(",", ""))
    except (ValueError, InvalidOperation):
        raise ValidationError(_("%(value)s is not a number.") % {"value": text}) from None
    if value < 0 or (not whole and not value.is_finite()):
        raise ValidationError(_("%(value)s must not be negative.") % {"value": text})
    return value


def plan_enterprises(*, actor, content: bytes, filename: str) -> list[Planned]:
    """The enterprises the file lists, checked; a ValidationError naming every problem's row
    and column when there is any."""
    if scope_for(actor) is None:
        raise PermissionDenied
    finder = RegionFinder(actor)
    rows = [row for row in read_rows(content, filename) if any(row)]
    if not rows:
        raise ValidationError({"file": _("The file holds no rows.")})
    header, positions = rows[0], _columns(rows[0])
    problems, planned, first_row_of = RowProblems(), [], {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {
            field: (row[index] if index < len(row) else "") for field, index in positions.items()
        }
        found = _plan_row(number, cells, finder, first_row_of, problems, header, positions)
        if found is not None:
            planned.append(found)
    for existing in Organisation.objects.filter(uscc__in=list(first_row_of)).values_list(
        "uscc", flat=True
    ):
        problems.add(
            first_row_of[existing],
            "uscc",
            header[positions["uscc"]],
            _("an organisation with this code exists already."),
        )
    if problems.by_key:
        raise ValidationError(problems.by_key)
    return planned


def _plan_row(number, cells, finder, first_row_of, problems, header, positions):
    def problem(field, message):
        column = header[positions[field]] if field in positions else COLUMNS[field][0]
        problems.add(number, field, str(column), message)

    errors_before = len(problems.by_key)
    for field in REQUIRED:
        if not cells[field]:
            problem(field, _("required."))
    uscc = normalise_uscc(cells["uscc"])
    if uscc:
        try:
            validate_uscc(uscc)
        except ValidationError as error:
            problem("uscc", error.messages[0])
        if uscc in first_row_of:
            problem("uscc", _("the same code as row %(row)d.") % {"row": first_row_of[uscc]})
        else:
            first_row_of[uscc] = number
    values = {}
    for field, parse in (
        ("region", lambda text: finder.find(text) if text else None),
        ("industry_code", lambda text: validate_industry_code(text) or text if text else ""),
        ("employees", lambda text: _number(text, whole=True)),
        ("revenue", lambda text: _number(text, whole=False)),
        ("total_assets", lambda text: _number(text, whole=False)),
    ):
        try:
            values[field] = parse(cells.get(field, ""))
        except ValidationError as error:
            problem(field, error.messages[0])
    if len(problems.by_key) > errors_before:
        return None
    organisation = Organisation(
        kind=OrganisationKind.ENTERPRISE,
        uscc=uscc,
        region=values["region"],
        **{
            field: cells.get(field, "")
            for field in ("name", "address", "contact_name", "contact_phone", "contact_email")
        },
    )
    try:
        profile = profile_for_new_enterprise(
            organisation,
            **{f: values[f] for f in ("industry_code", "employees", "revenue", "total_assets")},
        )
        organisation.full_clean(validate_unique=False)
        profile.full_clean(exclude=["organisation"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            problem(field if field in COLUMNS else "name", messages[0])
        return None
    return Planned(organisation, profile)


@transaction.atomic
def enterprise_import(*, actor, content: bytes, filename: str) -> list[Organisation]:
    """Create every enterprise of the file, or none (a bureau's administrators or staff, within
    its subtree; platform administrators anywhere)."""
    planned = plan_enterprises(actor=actor, content=content, filename=filename)
    organisations = Organisation.objects.bulk_create([entry.organisation for entry in planned])
    for entry, organisation in zip(planned, organisations, strict=True):
        entry.profile.organisation = organisation
    EnterpriseProfile.objects.bulk_create([entry.profile for entry in planned])
    audit.record(
        actor=actor,
        action="orgs.enterprise.imported",
        subject=filename,
        changes={"enterprises": [None, len(organisations)]},
    )
    return organisations
