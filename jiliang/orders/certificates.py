"""Certificates of order items: a PDF generated from the institution's template with a QR code
that opens the public check page, and the lookups behind that page.

An institution's own template
-----------------------------
The PDF is rendered from the first template that exists of
``orders/certificate_pdf_<institution id>.html`` and ``orders/certificate_pdf.html`` (the
platform's default). To adapt the certificate for one institution, place a template named after
its id in a template directory (``templates/orders/certificate_pdf_7.html`` in the project's
``templates`` folder) that extends the default and overrides only what differs::

    {% extends "orders/certificate_pdf.html" %}
    {% block header %}<img class="logo" src="data:image/png;base64,…" alt="">
      {{ block.super }}{% endblock %}
    {% block signatures %}…the institution's own lines for 检定员, 核验员, 批准人…{% endblock %}

The blocks are ``style``, ``header``, ``facts``, ``standards``, ``signatures`` and
``footer``; the context is what ``certificate_context`` returns. Images must be ``data:`` URIs
or absolute ``file://`` paths (the PDF is rendered without a base URL). The printed words are
the customary Chinese ones and are not translated.

What the public may see
-----------------------
A certificate exists for the public once its order is completed: the check by institution and
number finds nothing before that. The QR code's page (found by the item's unguessable
``check_token``) already shows a generated certificate while the order is in service, marked as
not yet issued. Either shows the key facts of ``PublicCertificate`` and nothing else: of the
enterprise, only its name.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from jiliang.core import audit
from jiliang.core.services import require_organisation_role
from jiliang.instruments import schedule
from jiliang.instruments.choices import Conclusion
from jiliang.instruments.cycles import usual_cycle
from jiliang.instruments.models import VerificationRecord
from jiliang.orders import selectors
from jiliang.orders.choices import OrderKind, OrderStatus
from jiliang.orders.models import (
    EDITOR_ROLES,
    CertificateNumberRule,
    Order,
    OrderItem,
    TransitionRefused,
)

VERIFICATION_KINDS = frozenset({OrderKind.MANDATORY_VERIFICATION, OrderKind.VERIFICATION})
# The printed title, and the word for the date of the result, per kind of order.
TITLES = {
    OrderKind.MANDATORY_VERIFICATION: "检定证书",
    OrderKind.VERIFICATION: "检定证书",
    OrderKind.CALIBRATION: "校准证书",
    OrderKind.TESTING: "测试报告",
}
# A verification that fails is not certified: the institution issues a notice of the result
# (计量检定印、证管理办法 §6: 检定不合格的，出具检定结果通知书).
FAILED_VERIFICATION_TITLE = "检定结果通知书"
DATE_LABELS = {
    OrderKind.MANDATORY_VERIFICATION: "检定日期",
    OrderKind.VERIFICATION: "检定日期",
    OrderKind.CALIBRATION: "校准日期",
    OrderKind.TESTING: "测试日期",
}
CONCLUSIONS = {
    Conclusion.PASS: "合格",
    Conclusion.FAIL: "不合格",
    Conclusion.RESTRICTED: "准用（限用）",
}
DEFAULT_TEMPLATE = "orders/certificate_pdf.html"
# Orders whose generated certificates the QR code's page shows; the check by number needs
# a completed order.
TOKEN_STATUSES = (OrderStatus.IN_SERVICE, OrderStatus.COMPLETED)


def certificate_title(kind: str, conclusion: str) -> str:
    if kind in VERIFICATION_KINDS and conclusion == Conclusion.FAIL:
        return FAILED_VERIFICATION_TITLE
    return TITLES[kind]


def check_url(item: OrderItem) -> str:
    """The absolute URL of the item's public check page: what the QR code carries."""
    return settings.JILIANG_SITE_URL + reverse("certificates:detail", args=[item.check_token])


def _qr_data_uri(url: str) -> str:
    # Error correction "m" survives a smudge or a stamp over a corner; the quiet zone is the
    # four modules the standard asks for, since nothing else on the page keeps text away.
    return segno.make(url, error="m", micro=False).svg_data_uri(border=4)


def suggested_regulation(item: OrderItem) -> str:
    """检定依据 the platform knows for the item's kind of instrument: the regulation of its
    usual verification cycle (instruments.cycles), "" when it knows none."""
    instrument = item.instrument
    if instrument is None:
        return ""
    catalogue_item = instrument.catalogue_item
    cycle = usual_cycle(instrument.name, catalogue_item.category if catalogue_item else "")
    return f"{cycle.regulation} {cycle.instrument}" if cycle else ""


def certificate_valid_until(item: OrderItem, records=None) -> date | None:
    """有效期至: the date the result states; else, for a verification passed, the date the
    ledger will compute once the order completes (schedule.next_due over the instrument's
    current records with this result as the latest): the result's date plus the interval,
    or an instrument's replacement date. A calibration states one only when given.
    ``records``: the instrument's current records, newest first, when already read."""
    if not _valid_until_computed(item):
        return item.valid_until
    if records is None:
        records = VerificationRecord.objects.filter(instrument=item.instrument).current()
        records = list(records.newest_first())
    result = SimpleNamespace(date=item.result_date, valid_until=None)
    return schedule.next_due(item.instrument, [result, *records])


def _valid_until_computed(item: OrderItem) -> bool:
    return bool(
        not item.valid_until
        and item.instrument is not None
        and item.result_date
        and item.order.kind in VERIFICATION_KINDS
        and item.conclusion != Conclusion.FAIL
    )


def with_valid_until(order: Order, items: list[OrderItem]) -> list[OrderItem]:
    """The order's items, each with ``certificate_valid_until`` as its certificate states it;
    the records of the instruments that need them read in one query."""
    for item in items:
        item.order = order
    computed = [item for item in items if _valid_until_computed(item)]
    records = {}
    current = VerificationRecord.objects.filter(
        instrument__in=[item.instrument_id for item in computed]
    ).current()
    for record in current.newest_first() if computed else []:
        records.setdefault(record.instrument_id, []).append(record)
    for item in items:
        item.certificate_valid_until = certificate_valid_until(
            item, records.get(item.instrument_id, [])
        )
    return items


def certificate_context(item: OrderItem, *, issued: date) -> dict:
    """What a certificate template receives."""
    order = item.order
    url = check_url(item)
    return {
        "valid_until": certificate_valid_until(item),
        "standards": list(item.standards.all()),
        "item": item,
        "order": order,
        "institution": order.institution,
        "enterprise": order.enterprise,
        "instrument": item.instrument,
        "title": certificate_title(order.kind, item.conclusion),
        "date_label": DATE_LABELS[order.kind],
        "conclusion": CONCLUSIONS.get(item.conclusion, ""),
        "issued": issued,
        "check_url": url,
        "qr": _qr_data_uri(url),
    }


def render_certificate_pdf(item: OrderItem, *, issued: date) -> bytes:
    """The item's certificate as an A4 PDF, from its institution's template."""
    template = select_template(
        [f"orders/certificate_pdf_{item.order.institution_id}.html", DEFAULT_TEMPLATE]
    )
    html = template.render(certificate_context(item, issued=issued))
    return HTML(string=html, base_url=None).write_pdf()


def _require_institution_editor(actor, order: Order) -> None:
    """404 unless the actor sees the order; 403 unless they edit for its institution."""
    if not Order.objects.visible_to(actor).filter(pk=order.pk).exists():
        raise Http404
    try:
        require_organisation_role(actor, order.institution, EDITOR_ROLES)
    except Http404:  # an enterprise member who may not look the institution up
        raise PermissionDenied(_("Only the institution may do this.")) from None


@transaction.atomic
def certificate_generate(*, actor, item: OrderItem) -> OrderItem:
    """Generate the item's certificate from its institution's template and store it as the
    item's certificate (replacing an uploaded or earlier generated one, whose file is kept)."""
    _require_institution_editor(actor, item.order)
    # The order's row lock keeps the order in service until the file is stored: completing
    # it, which copies the certificate into the ledger, waits for this transaction.
    order = (
        Order.objects.select_for_update()
        .select_related("institution", "enterprise")
        .get(pk=item.order_id)
    )
    item = OrderItem.objects.select_for_update().get(pk=item.pk)
    item.order = order
    if order.status != OrderStatus.IN_SERVICE:
        raise TransitionRefused(
            _(
                "Certificates are generated while the order is in service: after the items "
                "are received and before the order is completed."
            )
        )
    if order.kind not in TITLES:
        raise ValidationError(
            _(
                "Upload the certificate of an approval: generated certificates are for "
                "verification, calibration and testing."
            )
        )
    if not item.has_result:
        raise ValidationError(
            _("Record the result first: the certificate shows the conclusion and its date.")
        )
    today = timezone.localdate()
    number_before = item.certificate_number
    if not item.certificate_number:
        item.certificate_number = allocate_number(order.institution, today)
    if not item.certificate_number:
        raise ValidationError(
            {
                "certificate_number": _(
                    "Record the certificate number first: the institution has no rule to "
                    "number its certificates."
                )
            }
        )
    pdf = render_certificate_pdf(item, issued=today)
    before = item.certificate.name
    item.certificate.save("certificate.pdf", ContentFile(pdf), save=False)
    # The result it shows, to tell when a result recorded again makes it outdated.
    item.certificate_facts = item.result_digest()
    try:
        with transaction.atomic():  # a number typed for another item meanwhile
            OrderItem.objects.filter(pk=item.pk).update(
                certificate=item.certificate.name,
                certificate_facts=item.certificate_facts,
                certificate_number=item.certificate_number,
            )
    except IntegrityError:
        raise ValidationError(
            {"certificate_number": _("This institution has issued this certificate number.")}
        ) from None
    changes = {"certificate": [before, item.certificate.name]}
    if number_before != item.certificate_number:
        changes["certificate_number"] = [number_before, item.certificate_number]
    audit.record(
        actor=actor,
        action="orders.item.certificate_generated",
        instance=item,
        organisation=order.enterprise,
        changes=changes,
    )
    return item


def allocate_number(institution, today: date) -> str:
    """The next certificate number by the institution's rule ("" without one), taken in the
    caller's transaction: the rule's row stays locked until it commits, so certificates
    generated at once get consecutive numbers, and one that fails after taking its number
    rolls the sequence back with it (no gap). A number already given by hand is passed over."""
    rule = CertificateNumberRule.objects.select_for_update().filter(institution=institution)
    rule = rule.first()
    if rule is None:
        return ""
    seq = selectors.free_sequence(rule, today.year)
    rule.year, rule.last_sequence = today.year, seq
    rule.save(update_fields=["year", "last_sequence"])
    return rule.number(today.year, seq)


@dataclass(frozen=True)
class PublicCertificate:
    """The facts the public check shows: nothing else of the order or the enterprise."""

    institution: str
    number: str
    title: str
    kind: str
    customer: str
    instrument_name: str
    instrument_model: str
    serial_number: str
    date: date
    conclusion: str
    conclusion_label: str
    valid_until: date | None
    completed: bool


def _public(item: OrderItem) -> PublicCertificate:
    order, instrument = item.order, item.instrument
    return PublicCertificate(
        institution=order.institution.name,
        number=item.certificate_number,
        title=certificate_title(order.kind, item.conclusion),
        kind=order.get_kind_display(),
        customer=order.enterprise.name,
        instrument_name=instrument.name,
        instrument_model=instrument.model,
        serial_number=instrument.serial_number,
        date=item.result_date,
        conclusion=item.conclusion,
        conclusion_label=item.get_conclusion_display(),
        valid_until=certificate_valid_until(item),
        completed=order.status == OrderStatus.COMPLETED,
    )


def _certificates():
    """Items that are certificates: of an instrument, with a result and a number."""
    return (
        OrderItem.objects.filter(instrument__isnull=False, result_date__isnull=False)
        .exclude(conclusion="")
        .exclude(certificate_number="")
        .select_related("order__institution", "order__enterprise", "instrument")
    )


def public_certificate_by_token(token: uuid.UUID) -> PublicCertificate | None:
    """The certificate the QR code points to, while its order is in service or completed."""
    item = _certificates().filter(check_token=token, order__status__in=TOKEN_STATUSES).first()
    return _public(item) if item else None


def public_certificate_by_number(*, institution, number: str) -> PublicCertificate | None:
    """The certificate ``institution`` issued under exactly ``number``, once its order is
    completed; ``None`` for a number it never issued."""
    item = (
        _certificates()
        .filter(
            institution=institution,
            certificate_number=number,
            order__status=OrderStatus.COMPLETED,
        )
        .first()
    )
    return _public(item) if item else None
