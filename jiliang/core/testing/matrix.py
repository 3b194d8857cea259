"""The permission matrix every view and endpoint is tested against.

``build_world()`` makes one standard tenancy: an enterprise in 金水区 (under 郑州市), another
enterprise in 开封市, a metrology institution, the regulators of 郑州市 (above the enterprise)
and of 开封市 (a sibling), and a user for each actor. ``check(...)`` sends one request as one
actor and asserts its status; a refused request must leave the database exactly as it was.

An app's tests declare ``MatrixCase`` rows (what to request, which status each actor gets) and
parametrise one test over ``matrix_params(cases)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import resolve

from jiliang.accounts import services as account_services
from jiliang.accounts.services import user_create
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Organisation, Region

ACTORS = (
    "anonymous",
    "other_enterprise",
    "same_enterprise",
    "institution",
    "sibling_regulator",
    "regulator_above",
)
# Beyond the six: a member without rights over the enterprise, and a platform administrator.
EXTRA_ACTORS = ("same_enterprise_viewer", "platform_admin")
ALL_ACTORS = ACTORS + EXTRA_ACTORS
SIGNED_IN_ACTORS = tuple(actor for actor in ALL_ACTORS if actor != "anonymous")

# Fields that change merely by signing in or using a token, not by the request under test.
_BOOKKEEPING_FIELDS = {"last_login", "last_used"}
_BOOKKEEPING_MODELS = {"core.ratecount"}


@dataclass
class World:
    regions: dict[str, Region]
    organisations: dict[str, Organisation]
    users: dict[str, object] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def enterprise(self) -> Organisation:
        return self.organisations["same_enterprise"]

    def client_for(self, actor: str, *, api: bool = False, language: str = "") -> Client:
        """A test client signed in as ``actor`` (by session, or by bearer token for the API),
        in ``language`` when given (``"en"``: the messages as their msgids)."""
        user = self.users.get(actor)
        if user is None or api:
            headers = {"authorization": f"Bearer {self.tokens[actor]}"} if user else {}
            client = Client(headers=headers)
        else:
            client = Client()
            client.force_login(user)
        if language:
            client.cookies["django_language"] = language
        return client


def build_world() -> World:
    admin = user_create(
        actor=None,
        username="matrix-admin",
        email="matrix-admin@example.com",
        is_staff=True,
        is_superuser=True,
    )
    regions = {code: Region.objects.get(code=code) for code in ("410100", "410105", "410200")}
    specs = {
        # actor: (kind, region code, role, size class)
        "same_enterprise": ("enterprise", "410105", "admin", "small"),
        "other_enterprise": ("enterprise", "410200", "admin", "small"),
        "institution": ("institution", "410100", "admin", ""),
        "regulator_above": ("regulator", "410100", "admin", ""),
        "sibling_regulator": ("regulator", "410200", "admin", ""),
    }
    world = World(regions=regions, organisations={})
    for serial, (actor, (kind, region_code, role, size_class)) in enumerate(specs.items(), 1):
        organisation = org_services.organisation_create(
            actor=admin,
            kind=kind,
            name=f"{actor} organisation",
            uscc=demo_uscc("91", region_code, 900 + serial),
            region=regions[region_code],
            size_class=size_class,
            industry="C" if kind == "enterprise" else "",
        )
        world.organisations[actor] = organisation
        world.users[actor] = _member(admin, actor, organisation, role)
    world.users["same_enterprise_viewer"] = _member(
        admin, "same_enterprise_viewer", world.enterprise, "viewer"
    )
    world.users["platform_admin"] = admin
    world.users["anonymous"] = None
    for actor, user in world.users.items():
        if user is not None:
            world.tokens[actor] = account_services.token_create(
                actor=user, user=user, name="matrix"
            )[1]
    return world


def _member(admin, username, organisation, role):
    user = user_create(
        actor=admin,
        username=username,
        email=f"{username}@example.com",
        password="matrix-password-1",
        check_password_strength=False,
    )
    org_services.membership_add(actor=admin, organisation=organisation, user=user, role=role)
    return user


@dataclass(frozen=True)
class MatrixCase:
    """One request and the status each actor must get; actors not listed get ``default``."""

    name: str
    method: str
    url: Callable[[World], str]
    expected: dict[str, int]
    default: int = 404
    data: Callable[[World], dict] | None = None
    api: bool = False

    def status_for(self, actor: str) -> int:
        return self.expected.get(actor, self.default)


def matrix_params(cases: list[MatrixCase], actors=ALL_ACTORS):
    return [
        pytest.param(case, actor, id=f"{case.name}-{actor}") for case in cases for actor in actors
    ]


def check(world: World, case: MatrixCase, actor: str):
    """Send ``case`` as ``actor``; assert the status and, when refused, that nothing changed."""
    client = world.client_for(actor, api=case.api)
    url = case.url(world)  # before the fingerprint: building the URL may create its object
    data = case.data(world) if case.data else None
    before = database_fingerprint()
    kwargs = {}
    if data is not None:
        kwargs = (
            {"data": json.dumps(data), "content_type": "application/json"}
            if case.api
            else {"data": data}
        )
    response = getattr(client, case.method)(url, **kwargs)
    expected = case.status_for(actor)
    assert response.status_code == expected, (
        f"{case.name} as {actor}: {response.status_code}, expected {expected}"
    )
    if expected >= 400 or actor == "anonymous":
        assert database_fingerprint() == before, f"{case.name} as {actor} changed data"
    if case.api and expected >= 400:
        body = response.json()
        assert set(body) == {"detail", "errors"}, body
    if case.api:
        declared = declared_statuses(case.method, url)
        assert expected in declared, f"{case.name}: {expected} undeclared, only {declared}"
    return response


@cache
def _openapi_paths() -> dict:
    from jiliang.api import api  # on first use: it imports every app's routes

    return api.get_openapi_schema()["paths"]


def declared_statuses(method: str, url: str) -> set[int]:
    """The statuses the OpenAPI schema declares for the operation ``url`` reaches."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", resolve(url.split("?")[0]).route)
    return {int(status) for status in _openapi_paths()[f"/{route}"][method]["responses"]}


def database_fingerprint() -> dict[str, list]:
    """Every row of the project's own models (small in a matrix world), minus bookkeeping, as
    the database returns them: every matrix test takes two, and SQL compiled once is several
    times quicker than the ORM's querysets."""
    fingerprint = {}
    with connection.cursor() as cursor:
        for label, sql, params in _fingerprint_queries(connection.vendor):
            cursor.execute(sql, params)
            fingerprint[label] = cursor.fetchall()
    return fingerprint


@cache
def _fingerprint_queries(vendor: str) -> list[tuple[str, str, tuple]]:
    """The fingerprint's SQL for the default database (``vendor``: compiled again should the
    tests' database change kind)."""
    queries = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if not model.__module__.startswith("jiliang.") or label in _BOOKKEEPING_MODELS:
            continue
        names = [
            f.attname for f in model._meta.concrete_fields if f.name not in _BOOKKEEPING_FIELDS
        ]
        query = model._default_manager.order_by("pk").values_list(*names).query
        queries.append((label, *query.sql_with_params()))
    return queries
