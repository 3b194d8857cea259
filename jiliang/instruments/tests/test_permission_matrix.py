"""Every ledger view and endpoint against the permission matrix."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params
from jiliang.instruments.models import Instrument, LedgerImport
from jiliang.instruments.tests.conftest import add_instrument, add_record

ANONYMOUS_HTML = {"anonymous": 302}
ANONYMOUS_API = {"anonymous": 401}
SIGNED_IN = dict.fromkeys(SIGNED_IN_ACTORS, 200)
# The enterprise's members read its ledger; regulators see counts only, never rows.
LEDGER_READERS = {"same_enterprise": 200, "same_enterprise_viewer": 200, "platform_admin": 200}
VIEWER_REFUSED = {"same_enterprise_viewer": 403}
# Whoever edits a ledger has its import settings; the others are refused (403).
IMPORT_SETTINGS_EDITORS = {"same_enterprise": 200, "other_enterprise": 200, "institution": 200}
OUTSIDERS = ("other_enterprise", "institution", "sibling_regulator", "regulator_above")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def instrument_url(name):
    return lambda world: reverse(name, args=[Instrument.objects.get().pk])


def api(path):
    return lambda world: "/api/v1" + path.format(instrument=Instrument.objects.get().pk)


def record_data(world):
    return {
        "date": "2026-01-10",
        "kind": "calibration",
        "conclusion": "pass",
        "institution_name": "郑州市计量技术研究所",
    }


def record_upload(world):
    return {
        **record_data(world),
        "certificate": SimpleUploadedFile("c.pdf", PDF, "application/pdf"),
    }


def checked_import(world):
    return LedgerImport.objects.get_or_create(
        organisation=world.enterprise,
        filename="x.xlsx",
        defaults={"status": "checked", "headers": ["器具名称"]},
    )[0]


def ledger_import_url(name):
    return lambda world: reverse(name, args=[checked_import(world).pk])


def api_import(suffix=""):
    return lambda world: f"/api/v1/instruments/imports/{checked_import(world).pk}{suffix}"


def catalogue_file(world):
    content = "项目,种类,监管方式\n电能表,电能表,强制检定\n".encode()
    return {"file": SimpleUploadedFile("目录.csv", content)}


CASES = [
    MatrixCase(
        "catalogue-import",
        "post",
        lambda w: reverse("instruments:catalogue_import"),
        {**ANONYMOUS_HTML, **dict.fromkeys(SIGNED_IN_ACTORS, 403), "platform_admin": 302},
        data=catalogue_file,
    ),
    MatrixCase(
        "import-list",
        "get",
        lambda w: reverse("instruments:import_list"),
        {**ANONYMOUS_HTML, **SIGNED_IN},
    ),
    MatrixCase(
        "import-upload-form",
        "get",
        lambda w: reverse("instruments:import_upload"),
        {
            **ANONYMOUS_HTML,
            "same_enterprise": 200,
            "other_enterprise": 200,
            "institution": 200,
            "platform_admin": 200,
        },
    ),
    MatrixCase(
        "import-detail",
        "get",
        ledger_import_url("instruments:import_detail"),
        {**ANONYMOUS_HTML, **LEDGER_READERS},
    ),
    MatrixCase(
        "import-remap",
        "post",
        ledger_import_url("instruments:import_remap"),
        {**ANONYMOUS_HTML, **VIEWER_REFUSED, "same_enterprise": 302, "platform_admin": 302},
        data=lambda w: {"column_0": "name"},
    ),
    MatrixCase(
        "import-words",
        "post",
        ledger_import_url("instruments:import_words"),
        {**ANONYMOUS_HTML, **VIEWER_REFUSED, "same_enterprise": 302, "platform_admin": 302},
        data=lambda w: {},
    ),
    MatrixCase(
        "import-settings",
        "get",
        lambda w: reverse("instruments:import_settings"),
        {**ANONYMOUS_HTML, **IMPORT_SETTINGS_EDITORS, "platform_admin": 200},
        default=403,
    ),
    MatrixCase(
        "import-settings-save",
        "post",
        lambda w: reverse("instruments:import_settings"),
        # Editors of other ledgers get the form back: the organisation is not one of theirs.
        {
            **ANONYMOUS_HTML,
            **IMPORT_SETTINGS_EDITORS,
            "same_enterprise": 302,
            "platform_admin": 302,
        },
        default=403,
        data=lambda w: {"organisation": w.enterprise.pk, "number_prefix": "ZJ"},
    ),
    MatrixCase(
        "export", "get", lambda w: reverse("instruments:export"), {**ANONYMOUS_HTML, **SIGNED_IN}
    ),
    MatrixCase(
        "template",
        "get",
        lambda w: reverse("instruments:template"),
        {**ANONYMOUS_HTML, **SIGNED_IN},
    ),
    MatrixCase(
        # Starts the labels' job for the reader's list; outsiders' lists are empty: 400.
        "api-labels-start",
        "post",
        api("/instruments/labels"),
        {
            **ANONYMOUS_API,
            **dict.fromkeys(LEDGER_READERS, 202),
            **dict.fromkeys(OUTSIDERS, 400),
        },
        api=True,
    ),
    MatrixCase(
        "api-imports", "get", api("/instruments/imports"), {**ANONYMOUS_API, **SIGNED_IN}, api=True
    ),
    MatrixCase(
        "api-import-detail", "get", api_import(), {**ANONYMOUS_API, **LEDGER_READERS}, api=True
    ),
    MatrixCase(
        "api-import-commit",
        "post",
        api_import("/commit"),
        {**ANONYMOUS_API, **VIEWER_REFUSED, "same_enterprise": 202, "platform_admin": 202},
        api=True,
    ),
    MatrixCase(
        "api-export", "get", api("/instruments/export"), {**ANONYMOUS_API, **SIGNED_IN}, api=True
    ),
    MatrixCase(
        "ledger-list",
        "get",
        lambda w: reverse("instruments:instrument_list"),
        {**ANONYMOUS_HTML, **SIGNED_IN, "regulator_above": 302, "sibling_regulator": 302},
    ),
    MatrixCase(
        "ledger-dashboard",
        "get",
        lambda w: reverse("instruments:dashboard"),
        {**ANONYMOUS_HTML, **SIGNED_IN},
    ),
    MatrixCase(
        "ledger-count",
        "get",
        lambda w: reverse("instruments:instrument_count"),
        {**ANONYMOUS_HTML, **SIGNED_IN},
    ),
    MatrixCase(
        "department-options",
        "get",
        lambda w: reverse("instruments:department_options"),
        {**ANONYMOUS_HTML, **SIGNED_IN},
    ),
    MatrixCase(
        "api-departments",
        "get",
        lambda w: "/api/v1/instruments/departments",
        {**ANONYMOUS_API, **SIGNED_IN},
        api=True,
    ),
    MatrixCase(
        "region-summary",
        "get",
        lambda w: reverse("instruments:region_summary"),
        {**ANONYMOUS_HTML, **SIGNED_IN},
    ),
    MatrixCase(
        "catalogue",
        "get",
        lambda w: reverse("instruments:catalogue_list"),
        {**ANONYMOUS_HTML, **SIGNED_IN},
    ),
    MatrixCase(
        "catalogue-import-form",
        "get",
        lambda w: reverse("instruments:catalogue_import"),
        {**ANONYMOUS_HTML, **dict.fromkeys(SIGNED_IN_ACTORS, 403), "platform_admin": 200},
    ),
    MatrixCase(
        "catalogue-suggest",
        "get",
        lambda w: reverse("instruments:catalogue_suggest") + "?name=电子计价秤",
        {**ANONYMOUS_HTML, **SIGNED_IN},
    ),
    MatrixCase(
        "instrument-create-form",
        "get",
        lambda w: reverse("instruments:instrument_create"),
        {
            **ANONYMOUS_HTML,
            "same_enterprise": 200,
            "other_enterprise": 200,
            "institution": 200,
            "platform_admin": 200,
        },
    ),
    MatrixCase(
        "instrument-detail",
        "get",
        instrument_url("instruments:instrument_detail"),
        {**ANONYMOUS_HTML, **LEDGER_READERS},
    ),
    MatrixCase(
        "instrument-scan",
        "get",
        instrument_url("instruments:instrument_scan"),
        {**ANONYMOUS_HTML, **LEDGER_READERS},
    ),
    MatrixCase(
        "instrument-label",
        "get",
        instrument_url("instruments:label"),
        {**ANONYMOUS_HTML, **LEDGER_READERS},
    ),
    MatrixCase(
        "label-sheet",
        "get",
        lambda w: reverse("instruments:label_sheet"),
        {
            **ANONYMOUS_HTML,
            **LEDGER_READERS,
            # No instruments to print: back to the list with a message.
            **dict.fromkeys(OUTSIDERS, 302),
        },
    ),
    MatrixCase(
        # Starts the background job that makes the labels (to the job's page), or, with no
        # instruments to print, back to the list.
        "label-sheet-job",
        "post",
        lambda w: reverse("instruments:label_sheet"),
        {**ANONYMOUS_HTML, **dict.fromkeys([*LEDGER_READERS, *OUTSIDERS], 302)},
    ),
    MatrixCase(
        "instrument-edit",
        "post",
        instrument_url("instruments:instrument_update"),
        {**ANONYMOUS_HTML, **VIEWER_REFUSED, "same_enterprise": 302, "platform_admin": 302},
        data=lambda w: {
            "management_number": "JL-001",
            "name": "数显卡尺",
            "traceability": "calibration",
            "interval_months": 12,
            "purpose": "other",
            "status": "in_use",
        },
    ),
    MatrixCase(
        "record-create",
        "post",
        instrument_url("instruments:record_create"),
        {**ANONYMOUS_HTML, **VIEWER_REFUSED, "same_enterprise": 302, "platform_admin": 302},
        data=record_upload,
    ),
    MatrixCase(
        "attachment-add",
        "post",
        instrument_url("instruments:attachment_add"),
        {**ANONYMOUS_HTML, **VIEWER_REFUSED, "same_enterprise": 302, "platform_admin": 302},
        data=lambda w: {"title": "说明书", "file": SimpleUploadedFile("m.pdf", PDF)},
    ),
    MatrixCase(
        "bulk-retire",
        "post",
        lambda w: reverse("instruments:bulk_action"),
        {**ANONYMOUS_HTML, **dict.fromkeys(SIGNED_IN_ACTORS, 302), **VIEWER_REFUSED},
        data=lambda w: {"bulk-action": "retire", "bulk-instruments": [Instrument.objects.get().pk]},
    ),
    MatrixCase("api-list", "get", api("/instruments"), {**ANONYMOUS_API, **SIGNED_IN}, api=True),
    MatrixCase(
        "api-summary", "get", api("/instruments/summary"), {**ANONYMOUS_API, **SIGNED_IN}, api=True
    ),
    MatrixCase(
        "api-regions", "get", api("/instruments/regions"), {**ANONYMOUS_API, **SIGNED_IN}, api=True
    ),
    MatrixCase("api-catalogue", "get", api("/catalogue"), {**ANONYMOUS_API, **SIGNED_IN}, api=True),
    MatrixCase(
        "api-detail",
        "get",
        api("/instruments/{instrument}"),
        {**ANONYMOUS_API, **LEDGER_READERS},
        api=True,
    ),
    MatrixCase(
        "api-create",
        "post",
        api("/instruments"),
        # The regulator sees the enterprise, so it is told no rather than not found.
        {
            **ANONYMOUS_API,
            "same_enterprise_viewer": 403,
            "regulator_above": 403,
            "same_enterprise": 201,
            "platform_admin": 201,
        },
        data=lambda w: {
            "organisation": w.enterprise.pk,
            "management_number": "JL-002",
            "name": "千分尺",
            "traceability": "calibration",
            "interval_months": 12,
        },
        api=True,
    ),
    MatrixCase(
        "api-patch",
        "patch",
        api("/instruments/{instrument}"),
        {**ANONYMOUS_API, **VIEWER_REFUSED, "same_enterprise": 200, "platform_admin": 200},
        data=lambda w: {"department": "质检部"},
        api=True,
    ),
    MatrixCase(
        "api-retire",
        "post",
        api("/instruments/{instrument}/retire"),
        {**ANONYMOUS_API, **VIEWER_REFUSED, "same_enterprise": 200, "platform_admin": 200},
        api=True,
    ),
    MatrixCase(
        "api-records",
        "get",
        api("/instruments/{instrument}/records"),
        {**ANONYMOUS_API, **LEDGER_READERS},
        api=True,
    ),
]


@pytest.fixture(scope="module")
def module_world(module_world):
    """With an instrument of the enterprise and its record, built once for the module."""
    add_record(module_world, add_instrument(module_world))
    return module_world


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES))
def test_permission_matrix(matrix_world, case, actor):
    check(matrix_world, case, actor)
