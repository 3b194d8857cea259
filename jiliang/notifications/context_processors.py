from functools import cached_property

from jiliang.notifications import selectors


class NotificationsMenu:
    """The header's inbox bell and menu entries, read only when a page shows them: one count
    query for the bell; whether the user manages reminders comes from the cached scope."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return selectors.unread_count(user=self.user)

    @cached_property
    def manages_reminders(self) -> bool:
        return bool(selectors.managed_organisation_ids(user=self.user))


def notifications(request):
    if not request.user.is_authenticated:
        return {}
    return {"notifications_menu": NotificationsMenu(request.user)}
