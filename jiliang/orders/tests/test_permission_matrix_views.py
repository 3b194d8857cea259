"""Every order page and step against the permission matrix: each actor gets the status the
table says, and a refused request leaves the database exactly as it was."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone

from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.orders import institution_services, services, urls
from jiliang.orders.tests.test_services import new_order
from jiliang.orders.tests.test_views import PDF, accepted, in_service, submitted, with_results

ANONYMOUS = {"anonymous": 302}
SIGNED_IN = dict.fromkeys(SIGNED_IN_ACTORS, 200)
# Those who see an order once it is submitted: both parties' members and platform staff.
READERS = {
    "same_enterprise": 200,
    "same_enterprise_viewer": 200,
    "institution": 200,
    "platform_admin": 200,
}
# Who places orders: an enterprise's editors, an institution's (ordering from another one).
ORDERING = {
    "same_enterprise": 200,
    "other_enterprise": 200,
    "institution": 200,
    "platform_admin": 200,
}
VIEWER_REFUSED = {"same_enterprise_viewer": 403}


@pytest.fixture
def world(matrix_world):
    """The matrix world, built once for the module's tests."""
    return matrix_world


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def cached(world, key, make):
    """One object per test, made when the case's URL is built."""
    objects = world.__dict__.setdefault("_orders", {})
    if key not in objects:
        objects[key] = make(world)
    return objects[key]


def own_instrument(world, state):
    return [add_instrument(world, management_number=f"M-{state}")]


STATES = {
    "draft": lambda world: new_order(world, instruments=own_instrument(world, "draft")),
    "submitted": lambda world: submitted(world, instruments=own_instrument(world, "submitted")),
    "accepted": lambda world: accepted(world, instruments=own_instrument(world, "accepted")),
    "in_service": lambda world: in_service(world, instruments=own_instrument(world, "service")),
    "with_results": lambda world: with_results(
        in_service(world, instruments=own_instrument(world, "results")), world
    ),
    "on_site": lambda world: accepted(
        world,
        instruments=own_instrument(world, "on_site"),
        service_mode="on_site",
        site_address="郑州市金水区农业路 1 号",
    ),
    "approval": lambda world: accepted(
        world, instruments=[], kind="standard", description="0.02 级活塞压力计标准装置"
    ),
}


def order_in(world, state):
    return cached(world, state, STATES[state])


def paused(world):
    def make(world):
        order = order_in(world, "approval")
        services.pause_start(
            actor=world.users["institution"],
            order=order,
            reason="expert_review",
            started=timezone.localdate(),
        )
        return order

    return cached(world, "paused", make)


def attachment(world):
    def make(world):
        return services.attachment_add(
            actor=world.users["same_enterprise"],
            order=order_in(world, "submitted"),
            title="说明",
            file=SimpleUploadedFile("a.pdf", PDF),
        )

    return cached(world, "attachment", make)


def certified_item(world):
    def make(world):
        item = order_in(world, "in_service").items.get()
        return services.item_record_result(
            actor=world.users["institution"],
            item=item,
            conclusion="pass",
            result_date=timezone.localdate(),
            certificate_number="JZ-77",
            certificate=SimpleUploadedFile("c.pdf", PDF),
        )

    return cached(world, "certified", make)


def url(name, state):
    return lambda world: reverse(f"orders:{name}", args=[order_in(world, state).pk])


def item_url(name, state):
    return lambda world: reverse(f"orders:{name}", args=[order_in(world, state).items.get().pk])


def instrument(world):
    return cached(world, "instrument", lambda world: add_instrument(world, management_number="N-1"))


def new_order_data(world):
    return {
        "enterprise": world.enterprise.pk,
        "institution": world.organisations["institution"].pk,
        "kind": "calibration",
        "service_mode": "drop_off",
        "instruments": [instrument(world).pk],
        "contact_name": "张伟",
        "contact_phone": "0371-66668888",
    }


def new_order_url(world):
    instrument(world)
    return reverse("orders:order_create")


def edit_data(world):
    return {**new_order_data(world), "service_mode": "mail", "tracking_number": "SF1"}


def filing_data(world):
    return {
        "enterprise": world.enterprise.pk,
        "institution": world.organisations["institution"].pk,
        "service_mode": "drop_off",
        "contact_name": "张伟",
        "contact_phone": "0371-66668888",
    }


def result_data(world):
    return {"conclusion": "pass", "result_date": timezone.localdate().isoformat()}


def upload(world):
    return {"title": "送检单", "file": SimpleUploadedFile("s.pdf", PDF)}


# Enterprise steps: its editors and platform staff; the viewer sees but may not act.
ENTERPRISE_STEP = {**ANONYMOUS, **VIEWER_REFUSED, "same_enterprise": 302, "platform_admin": 302}


# Institution steps: the enterprise's members see the order but may not act for the institution.
def standard(world):
    return cached(
        world,
        "standard",
        lambda world: institution_services.standard_create(
            actor=world.users["platform_admin"],
            institution=world.organisations["institution"],
            name="精密压力表标准装置",
        ),
    )


def numbered(world):
    """An order with a result and no certificate number, at an institution with a rule."""

    def make(world):
        institution_services.number_rule_set(
            actor=world.users["platform_admin"],
            institution=world.organisations["institution"],
            prefix="HNJL",
            pattern="{prefix}{year}-{seq:05d}",
        )
        order = in_service(world, instruments=own_instrument(world, "numbered"))
        services.item_record_result(
            actor=world.users["institution"],
            item=order.items.get(),
            conclusion="pass",
            result_date=timezone.localdate(),
        )
        return order

    return cached(world, "numbered", make)


INSTITUTION_STEP = {
    **ANONYMOUS,
    "same_enterprise": 403,
    "same_enterprise_viewer": 403,
    "institution": 302,
    "platform_admin": 302,
}

CASES = [
    MatrixCase(
        "order-list", "get", lambda w: reverse("orders:order_list"), {**ANONYMOUS, **SIGNED_IN}
    ),
    MatrixCase(
        "queue",
        "get",
        lambda w: reverse("orders:queue"),
        {**ANONYMOUS, "institution": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "order-create-form",
        "get",
        lambda w: reverse("orders:order_create"),
        {**ANONYMOUS, **ORDERING, **VIEWER_REFUSED},
    ),
    MatrixCase(
        "order-create",
        "post",
        new_order_url,
        {
            **ANONYMOUS,
            **VIEWER_REFUSED,
            "same_enterprise": 302,
            "platform_admin": 302,
            "other_enterprise": 400,  # not its enterprise, not its instrument
            "institution": 400,
        },
        data=new_order_data,
    ),
    MatrixCase(
        "instrument-options",
        "get",
        lambda w: reverse("orders:instrument_options") + f"?enterprise={w.enterprise.pk}",
        {**ANONYMOUS, **VIEWER_REFUSED, "same_enterprise": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "mandatory-filing-form",
        "get",
        lambda w: reverse("orders:mandatory_filing"),
        {**ANONYMOUS, **ORDERING, **VIEWER_REFUSED},
    ),
    MatrixCase(
        "mandatory-filing-nothing-due",
        "post",
        lambda w: reverse("orders:mandatory_filing"),
        {
            **ANONYMOUS,
            **VIEWER_REFUSED,
            "same_enterprise": 400,  # nothing is due: refused, nothing made
            "platform_admin": 400,
            "other_enterprise": 404,  # not its enterprise
            "institution": 404,
        },
        data=filing_data,
    ),
    MatrixCase(
        "draft-detail",
        "get",
        url("order_detail", "draft"),
        {
            **ANONYMOUS,
            "same_enterprise": 200,
            "same_enterprise_viewer": 200,
            "platform_admin": 200,
        },
    ),
    MatrixCase("order-detail", "get", url("order_detail", "submitted"), {**ANONYMOUS, **READERS}),
    MatrixCase(
        "edit-form",
        "get",
        url("order_update", "draft"),
        {**ANONYMOUS, **VIEWER_REFUSED, "same_enterprise": 200, "platform_admin": 200},
    ),
    MatrixCase("edit", "post", url("order_update", "draft"), ENTERPRISE_STEP, data=edit_data),
    MatrixCase("submit", "post", url("order_submit", "draft"), ENTERPRISE_STEP),
    MatrixCase(
        "cancel",
        "post",
        url("order_cancel", "submitted"),
        {**ENTERPRISE_STEP, "institution": 403},
    ),
    MatrixCase(
        "cancel-in-service",  # not allowed from the state, whoever asks
        "post",
        url("order_cancel", "in_service"),
        {**ENTERPRISE_STEP, "same_enterprise": 400, "platform_admin": 400, "institution": 403},
    ),
    MatrixCase("accept", "post", url("order_accept", "submitted"), INSTITUTION_STEP),
    MatrixCase(
        "accept-draft",
        "post",
        url("order_accept", "draft"),
        {
            **ANONYMOUS,
            "same_enterprise": 403,
            "same_enterprise_viewer": 403,
            "platform_admin": 400,
        },
    ),
    MatrixCase(
        "return-form",
        "get",
        url("order_return", "submitted"),
        {**INSTITUTION_STEP, "institution": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "return",
        "post",
        url("order_return", "submitted"),
        INSTITUTION_STEP,
        data=lambda w: {"reason": "请补充出厂编号"},
    ),
    MatrixCase("receive", "post", url("order_receive", "accepted"), INSTITUTION_STEP),
    MatrixCase(
        "complete-without-results",
        "post",
        url("order_complete", "in_service"),
        {**INSTITUTION_STEP, "institution": 400, "platform_admin": 400},
    ),
    MatrixCase("complete", "post", url("order_complete", "with_results"), INSTITUTION_STEP),
    MatrixCase(
        "result-form",
        "get",
        item_url("item_result", "in_service"),
        {**INSTITUTION_STEP, "institution": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "result", "post", item_url("item_result", "in_service"), INSTITUTION_STEP, data=result_data
    ),
    MatrixCase(
        "pause",
        "post",
        url("pause_start", "approval"),
        INSTITUTION_STEP,
        data=lambda w: {"reason": "expert_review", "started": timezone.localdate().isoformat()},
    ),
    MatrixCase(
        "resume",
        "post",
        lambda w: reverse("orders:pause_end", args=[paused(w).pk]),
        INSTITUTION_STEP,
        data=lambda w: {"ended": timezone.localdate().isoformat()},
    ),
    MatrixCase(
        "attachment-add",
        "post",
        url("attachment_add", "submitted"),
        {**ENTERPRISE_STEP, "institution": 302},
        data=upload,
    ),
    MatrixCase(
        "attachment-add-draft",  # the institution does not see a draft
        "post",
        url("attachment_add", "draft"),
        ENTERPRISE_STEP,
        data=upload,
    ),
    MatrixCase(
        "attachment-download",
        "get",
        lambda w: reverse("orders:attachment", args=[attachment(w).pk]),
        {**ANONYMOUS, **READERS},
    ),
    MatrixCase(
        "certificate-download",
        "get",
        lambda w: reverse("orders:item_certificate", args=[certified_item(w).pk]),
        {**ANONYMOUS, **READERS},
    ),
    MatrixCase(
        "visit-form",
        "get",
        url("order_visit", "on_site"),
        {**INSTITUTION_STEP, "institution": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "visit",
        "post",
        url("order_visit", "on_site"),
        INSTITUTION_STEP,
        data=lambda w: {"visit_date": timezone.localdate().isoformat()},
    ),
    MatrixCase(
        "visit-not-on-site",  # a drop-off order has no visit: explained on the form
        "post",
        url("order_visit", "accepted"),
        {**INSTITUTION_STEP, "institution": 400, "platform_admin": 400},
        data=lambda w: {"visit_date": timezone.localdate().isoformat()},
    ),
    # An institution's time limits: its members read them (the enterprise and the regulators
    # are not members: 404), its administrators change them.
    MatrixCase(
        "time-limits",
        "get",
        lambda w: reverse("orders:time_limits"),
        {**ANONYMOUS, "institution": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "time-limit-set",
        "post",
        lambda w: (
            reverse("orders:time_limits") + f"?institution={w.organisations['institution'].pk}"
        ),
        {**ANONYMOUS, "institution": 302, "platform_admin": 302},
        data=lambda w: {"kind": "verification", "green_channel": "True", "working_days": "3"},
    ),
    # Its certificate settings likewise: the numbering rule and the measurement standards.
    MatrixCase(
        "certificate-settings",
        "get",
        lambda w: reverse("orders:certificate_settings"),
        {**ANONYMOUS, "institution": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "number-rule-set",
        "post",
        lambda w: (
            reverse("orders:certificate_settings")
            + f"?institution={w.organisations['institution'].pk}"
        ),
        {**ANONYMOUS, "institution": 302, "platform_admin": 302},
        data=lambda w: {"form": "rule", "prefix": "HNJL", "pattern": "{prefix}{year}-{seq:05d}"},
    ),
    MatrixCase(
        "standard-update",
        "post",
        lambda w: reverse("orders:standard_update", args=[standard(w).pk]),
        {**ANONYMOUS, "institution": 302, "platform_admin": 302},
        data=lambda w: {"name": "活塞式压力计标准装置", "accuracy": "0.05 级", "is_active": "on"},
    ),
    MatrixCase(
        "certificate-generate-by-rule",
        "post",
        lambda w: reverse("orders:item_generate_certificate", args=[numbered(w).items.get().pk]),
        INSTITUTION_STEP,
    ),
    MatrixCase(
        "certificate-generate-without-number",
        "post",
        item_url("item_generate_certificate", "in_service"),
        {**INSTITUTION_STEP, "institution": 400, "platform_admin": 400},
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES))
def test_order_pages(world, case, actor):
    check(world, case, actor)


def test_the_matrix_covers_every_order_page(world):
    requested = {resolve(case.url(world).split("?")[0]).url_name for case in CASES}
    assert requested == {pattern.name for pattern in urls.urlpatterns}
