from jiliang.accounts.models import ApiToken
from jiliang.orgs.models import Membership


def own_memberships(*, user):
    return (
        Membership.objects.visible_to(user)
        .filter(user=user)
        .select_related("organisation__region")
        .order_by("organisation__name")
    )


def token_list(*, user):
    return ApiToken.objects.visible_to(user).order_by("-created")
