"""Every order endpoint against the permission matrix.

An order is seen by the enterprise's members and, once submitted, by the institution's; never
by other organisations or regulators (404). Of those who see it, only the enterprise's
administrators and staff make the enterprise's moves and only the institution's make the
institution's (platform administrators may do both); the others get 403. A refusal changes
nothing.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiliang.core.testing.matrix import (
    ALL_ACTORS,
    SIGNED_IN_ACTORS,
    MatrixCase,
    check,
    database_fingerprint,
    matrix_params,
)
from jiliang.instruments.models import CatalogueItem
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.orders import institution_services, services
from jiliang.orders.models import Order

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CONTACT = {"contact_name": "张伟", "contact_phone": "0371-66668888"}
ANONYMOUS = {"anonymous": 401}
SIGNED_IN = dict.fromkeys(SIGNED_IN_ACTORS, 200)
# Who sees a submitted order.
READERS = {
    **ANONYMOUS,
    "same_enterprise": 200,
    "same_enterprise_viewer": 200,
    "institution": 200,
    "platform_admin": 200,
}


def enterprise_move(status):
    return {
        **ANONYMOUS,
        "same_enterprise": status,
        "platform_admin": status,
        "same_enterprise_viewer": 403,
        "institution": 403,
    }


def institution_move(status):
    return {
        **ANONYMOUS,
        "institution": status,
        "platform_admin": status,
        "same_enterprise": 403,
        "same_enterprise_viewer": 403,
    }


# A draft is the enterprise's alone: the institution does not see it.
DRAFT_MOVE = {**enterprise_move(200), "institution": 404}
# Creating for the enterprise: the regulator above it sees the enterprise and is told no.
CREATORS = {
    **ANONYMOUS,
    "same_enterprise": 201,
    "platform_admin": 201,
    "same_enterprise_viewer": 403,
    "regulator_above": 403,
}


@pytest.fixture
def world(matrix_world):
    """The matrix world, built once for the module's tests."""
    return matrix_world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def order_in(world, state: str) -> Order:
    """The enterprise's order in ``state``, made through the services once per test."""
    made = world.__dict__.setdefault("orders", {})
    if state in made:
        return made[state]
    customer, staff = world.users["same_enterprise"], world.users["institution"]
    today = timezone.localdate()
    approval = state.startswith("approval")
    on_site = state.startswith("on_site")
    order = services.order_create(
        actor=customer,
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        kind="standard" if approval else "calibration",
        instruments=[] if approval else [add_instrument(world, management_number=f"M-{state}")],
        service_mode="on_site" if on_site else "drop_off",
        site_address="郑州市金水区农业路 1 号" if on_site else "",
        description="0.02 级活塞压力计标准装置" if approval else "",
        **CONTACT,
    )
    if state != "draft":
        services.order_submit(actor=customer, order=order)
    if state == "returned":
        services.order_return(actor=staff, order=order, reason="请补充出厂编号")
    if state in ("accepted", "in_service", "with_result", "approval", "approval_paused") or on_site:
        services.order_accept(actor=staff, order=order, today=today)
    if state in ("in_service", "with_result", "on_site_received"):
        services.order_receive(actor=staff, order=order, today=today)
    if state == "with_result":
        services.item_record_result(
            actor=staff,
            item=order.items.get(),
            conclusion="pass",
            result_date=today,
            certificate_number="JZ-M-1",
            certificate=SimpleUploadedFile("c.pdf", PDF),
        )
    if state == "approval_paused":
        services.pause_start(actor=staff, order=order, reason="expert_review", started=today)
    made[state] = order
    return order


def numbered(world):
    """The institution, with a numbering rule and a standard (its id in the URLs)."""
    institution = world.organisations["institution"]
    if not world.__dict__.get("numbered"):
        institution_services.number_rule_set(
            actor=world.users["platform_admin"],
            institution=institution,
            prefix="HNJL",
            pattern="{prefix}{year}-{seq:05d}",
        )
        world.__dict__["numbered"] = institution_services.standard_create(
            actor=world.users["platform_admin"], institution=institution, name="标准砝码"
        )
    return institution


def standard(world):
    numbered(world)
    return world.__dict__["numbered"]


def numbered_order(world) -> Order:
    """An order in service with a result but no certificate number, at an institution with a
    numbering rule."""
    order = order_in(world, "in_service")
    numbered(world)
    item = order.items.get()
    if not item.has_result:
        services.item_record_result(
            actor=world.users["institution"],
            item=item,
            conclusion="pass",
            result_date=timezone.localdate(),
        )
    return order


def url(state: str, suffix: str = ""):
    return lambda world: f"/api/v1/orders/{order_in(world, state).pk}{suffix}"


def item_url(state: str, suffix: str):
    def build(world):
        order = order_in(world, state)
        return f"/api/v1/orders/{order.pk}/items/{order.items.get().pk}{suffix}"

    return build


def attachment_url(world):
    order = order_in(world, "submitted")
    attachment = order.attachments.first() or services.attachment_add(
        actor=world.users["same_enterprise"],
        order=order,
        title="送检单",
        file=SimpleUploadedFile("a.pdf", PDF),
    )
    return f"/api/v1/orders/{order.pk}/attachments/{attachment.pk}/file"


def pause_end_url(world):
    order = order_in(world, "approval_paused")
    return f"/api/v1/orders/{order.pk}/pauses/{order.pauses.get().pk}/end"


def new_order(world):
    instrument = add_instrument(world, management_number="NEW-1")
    return {
        "enterprise": world.enterprise.pk,
        "institution": world.organisations["institution"].pk,
        "kind": "calibration",
        "service_mode": "drop_off",
        "instruments": [instrument.pk],
        **CONTACT,
    }


def filing(world):
    """A mandatory instrument overdue, for mandatory filing to order."""
    scale = add_instrument(
        world,
        management_number="S-1",
        name="电子计价秤",
        purpose="trade",
        catalogue_item=CatalogueItem.objects.get(item="非自动衡器", category="电子计价秤"),
        traceability="verification",
    )
    add_record(world, scale, date=timezone.localdate() - timedelta(days=400), kind="verification")
    return {
        "enterprise": world.enterprise.pk,
        "institution": world.organisations["institution"].pk,
        "service_mode": "drop_off",
        **CONTACT,
    }


def case(name, method, url, expected, data=None):
    return MatrixCase(name, method, url, expected, data=data, api=True)


def pause(world):
    return {"reason": "expert_review", "started": timezone.localdate().isoformat()}


CASES = [
    case("list", "get", lambda w: "/api/v1/orders", {**ANONYMOUS, **SIGNED_IN}),
    case(
        "list-as-institution",
        "get",
        lambda w: "/api/v1/orders?role=institution&status=submitted",
        {**ANONYMOUS, **SIGNED_IN},
    ),
    case(
        "institutions", "get", lambda w: "/api/v1/orders/institutions", {**ANONYMOUS, **SIGNED_IN}
    ),
    case(
        "queue",
        "get",
        lambda w: f"/api/v1/orders/queue?institution={w.organisations['institution'].pk}",
        # The regulator above sees the institution but is not one of its members.
        {**ANONYMOUS, "institution": 200, "platform_admin": 200, "regulator_above": 403},
    ),
    case("create", "post", lambda w: "/api/v1/orders", CREATORS, new_order),
    case("mandatory-filing", "post", lambda w: "/api/v1/orders/mandatory-filing", CREATORS, filing),
    case("detail", "get", url("submitted"), READERS),
    case(
        "detail-draft",
        "get",
        url("draft"),
        {**ANONYMOUS, "same_enterprise": 200, "same_enterprise_viewer": 200, "platform_admin": 200},
    ),
    case("update-draft", "patch", url("draft"), DRAFT_MOVE, lambda w: {"carrier": "顺丰"}),
    case(
        "update-returned",
        "patch",
        url("returned"),
        enterprise_move(200),
        lambda w: {"site_address": "郑州市金水区花园路 88 号"},
    ),
    case("submit", "post", url("draft", "/submit"), DRAFT_MOVE),
    case("resubmit", "post", url("returned", "/submit"), enterprise_move(200)),
    case("cancel", "post", url("submitted", "/cancel"), enterprise_move(200)),
    case(
        "return",
        "post",
        url("submitted", "/return"),
        institution_move(200),
        lambda w: {"reason": "请补充出厂编号"},
    ),
    case("accept", "post", url("submitted", "/accept"), institution_move(200)),
    case("receive", "post", url("accepted", "/receive"), institution_move(200)),
    case("complete", "post", url("with_result", "/complete"), institution_move(200)),
    case("items", "get", url("submitted", "/items"), READERS),
    case(
        "result",
        "put",
        item_url("in_service", "/result"),
        institution_move(200),
        lambda w: {"conclusion": "pass", "result_date": timezone.localdate().isoformat()},
    ),
    case("certificate", "get", item_url("with_result", "/certificate"), READERS),
    case(
        "certificate-generate",
        "post",
        item_url("with_result", "/certificate/generate"),
        institution_move(200),
    ),
    case(
        "visit",
        "post",
        url("on_site", "/visit"),
        institution_move(200),
        lambda w: {"visit_date": timezone.localdate().isoformat()},
    ),
    case(
        "visit-not-on-site",  # the refusal names service_mode
        "post",
        url("accepted", "/visit"),
        institution_move(400),
        lambda w: {"visit_date": timezone.localdate().isoformat()},
    ),
    case(
        "visit-not-accepted",
        "post",
        url("on_site_received", "/visit"),
        institution_move(409),
        lambda w: {"visit_date": timezone.localdate().isoformat()},
    ),
    # An institution's time limits: its members read them, its administrators set them; the
    # regulator above sees the institution from outside (403), anyone else gets 404.
    case(
        "time-limits",
        "get",
        lambda w: f"/api/v1/orders/time-limits?institution={w.organisations['institution'].pk}",
        {**ANONYMOUS, "institution": 200, "platform_admin": 200, "regulator_above": 403},
    ),
    case(
        "time-limit-set",
        "put",
        lambda w: "/api/v1/orders/time-limits",
        {**ANONYMOUS, "institution": 200, "platform_admin": 200, "regulator_above": 403},
        lambda w: {
            "institution": w.organisations["institution"].pk,
            "kind": "verification",
            "green_channel": True,
            "working_days": 3,
        },
    ),
    # Its certificate numbering rule and measurement standards: the same.
    case(
        "number-rule",
        "get",
        lambda w: f"/api/v1/orders/certificate-number-rule?institution={numbered(w).pk}",
        {**ANONYMOUS, "institution": 200, "platform_admin": 200, "regulator_above": 403},
    ),
    case(
        "number-rule-set",
        "put",
        lambda w: "/api/v1/orders/certificate-number-rule",
        {**ANONYMOUS, "institution": 200, "platform_admin": 200, "regulator_above": 403},
        lambda w: {
            "institution": w.organisations["institution"].pk,
            "prefix": "HNJL",
            "pattern": "{prefix}{year}-{seq:05d}",
        },
    ),
    case(
        "number-rule-delete",
        "delete",
        lambda w: f"/api/v1/orders/certificate-number-rule?institution={numbered(w).pk}",
        {**ANONYMOUS, "institution": 204, "platform_admin": 204, "regulator_above": 403},
    ),
    case(
        "standards",
        "get",
        lambda w: f"/api/v1/orders/measurement-standards?institution={numbered(w).pk}",
        {**ANONYMOUS, "institution": 200, "platform_admin": 200, "regulator_above": 403},
    ),
    case(
        "standard-create",
        "post",
        lambda w: "/api/v1/orders/measurement-standards",
        {**ANONYMOUS, "institution": 201, "platform_admin": 201, "regulator_above": 403},
        lambda w: {"institution": w.organisations["institution"].pk, "name": "标准电能表"},
    ),
    case(
        "standard-update",
        "put",
        lambda w: f"/api/v1/orders/measurement-standards/{standard(w).pk}",
        {**ANONYMOUS, "institution": 200, "platform_admin": 200},
        lambda w: {"name": "精密压力表标准装置", "accuracy": "0.05 级"},
    ),
    case(
        "certificate-generate-by-rule",
        "post",
        lambda w: (
            f"/api/v1/orders/{numbered_order(w).pk}/items/"
            f"{numbered_order(w).items.get().pk}/certificate/generate"
        ),
        institution_move(200),
    ),
    case("attachments", "get", url("submitted", "/attachments"), READERS),
    case("attachment-file", "get", attachment_url, READERS),
    case("pause", "post", url("approval", "/pauses"), institution_move(201), pause),
    case(
        "pause-end",
        "post",
        pause_end_url,
        institution_move(200),
        lambda w: {"ended": timezone.localdate().isoformat()},
    ),
]

# Multipart forms: sent with the bearer token as files, not JSON.
UPLOADS = [
    MatrixCase(
        "certificate-upload",
        "post",
        item_url("in_service", "/certificate"),
        institution_move(200),
        data=lambda w: {"certificate": SimpleUploadedFile("c.pdf", PDF)},
        api=True,
    ),
    MatrixCase(
        "attachment-add",
        "post",
        url("submitted", "/attachments"),
        # Either party adds documents; the enterprise's viewer may not.
        {
            **ANONYMOUS,
            "same_enterprise": 201,
            "institution": 201,
            "platform_admin": 201,
            "same_enterprise_viewer": 403,
        },
        data=lambda w: {"title": "送检单", "file": SimpleUploadedFile("a.pdf", PDF)},
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES))
def test_permission_matrix(world, case, actor):
    check(world, case, actor)


@pytest.mark.parametrize(("case", "actor"), matrix_params(UPLOADS))
def test_permission_matrix_of_uploads(world, case, actor):
    client = world.client_for(actor, api=True)
    target = case.url(world)
    data = case.data(world)
    before = database_fingerprint()
    response = client.post(target, data)
    expected = case.status_for(actor)
    assert response.status_code == expected, (actor, response.content[:300])
    if expected >= 400:
        assert database_fingerprint() == before
        assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_a_refused_move_is_refused_whatever_the_body(world, actor):
    """The order of refusals: 404, then 403, then the body's problems (here an empty reason and
    a completion without results)."""
    expected = institution_move(400)
    returned = check(
        world,
        case(
            "return-empty", "post", url("submitted", "/return"), expected, lambda w: {"reason": ""}
        ),
        actor,
    )
    if returned.status_code == 400:
        assert returned.json()["errors"][0]["field"] == "reason"
    completed = check(
        world, case("complete-early", "post", url("in_service", "/complete"), expected), actor
    )
    if completed.status_code == 400:
        assert completed.json()["errors"][0]["field"] == "items"


def test_every_order_endpoint_is_in_the_matrix(world):
    """A new endpoint must be added above."""
    paths = world.client_for("platform_admin", api=True).get("/api/v1/openapi.json").json()
    covered = {(case.method, _template(case.url(world))) for case in [*CASES, *UPLOADS]}
    published = {
        (method, path)
        for path, methods in paths["paths"].items()
        if path.startswith("/api/v1/orders") and not path.startswith("/api/v1/orders/statistics")
        for method in methods
    }
    assert published <= covered, published - covered


PATH_PARAMETERS = {
    "orders": "order_id",
    "items": "item_id",
    "attachments": "attachment_id",
    "pauses": "pause_id",
    "measurement-standards": "standard_id",
}


def _template(path: str) -> str:
    """``/api/v1/orders/12/items/3/result?x=1`` →
    ``/api/v1/orders/{order_id}/items/{item_id}/result``."""
    parts = path.split("?")[0].split("/")
    return "/".join(
        f"{{{PATH_PARAMETERS[parts[index - 1]]}}}" if part.isdigit() else part
        for index, part in enumerate(parts)
    )
