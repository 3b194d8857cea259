from datetime import datetime

from ninja import Router, Status
from ninja.pagination import paginate

from jiliang.accounts import selectors, services
from jiliang.accounts.models import ApiToken
from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404
from jiliang.core.roles import dashboard_role
from jiliang.orgs.api import OrganisationBrief

router = Router(tags=["accounts"])


class OwnMembershipOut(Schema):
    id: int
    role: str
    organisation: OrganisationBrief


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    is_platform_admin: bool
    dashboard_role: str
    memberships: list[OwnMembershipOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created: datetime
    last_used: datetime | None
    revoked_at: datetime | None


class TokenCreateIn(Schema):
    name: str


class TokenCreatedOut(TokenOut):
    key: str


@router.get("/me", response=MeOut)
def me(request):
    """The signed-in user with their organisations and roles."""
    user = request.user
    memberships = list(selectors.own_memberships(user=user))
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.get_full_name(),
        "email": user.email,
        "is_platform_admin": user.is_staff,
        "dashboard_role": dashboard_role(user, memberships),
        "memberships": memberships,
    }


@router.get("/tokens", response=list[TokenOut])
@paginate
def token_list(request):
    return selectors.token_list(user=request.user)


@router.post("/tokens", response={201: TokenCreatedOut, 400: ErrorOut})
def token_create(request, payload: TokenCreateIn):
    """A new token for the signed-in user; the key is in this answer only."""
    token, raw = services.token_create(actor=request.user, user=request.user, name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).dict(), "key": raw})


@router.post("/tokens/{int:token_id}/revoke", response=TokenOut)
def token_revoke(request, token_id: Id):
    token = get_visible_or_404(ApiToken, request, pk=token_id)
    return services.token_revoke(actor=request.user, token=token)
