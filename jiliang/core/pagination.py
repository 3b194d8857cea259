"""Paging a long list without counting it first.

Counting the rows of a filtered list of a hundred thousand scans them all, which costs more
than reading the page itself. ``UncountedPaginator`` reads one row more than a page shows to
learn whether another page follows; the page asks for the total separately, after it is shown.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.translation import gettext_lazy as _

# Far beyond any real list, and an OFFSET every database accepts.
MAX_PAGE = 1_000_000


class UncountedPaginator(Paginator):
    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("That page number is not an integer.")) from None
        if not 1 <= number <= MAX_PAGE:
            raise EmptyPage(_("That page contains no results."))
        return number

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start : start + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results."))
        return UncountedPage(rows[: self.per_page], number, self, len(rows) > self.per_page)


class UncountedPage(Page):
    total_unknown = True  # templates show "page N", not "page N of M"

    def __init__(self, object_list, number, paginator, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0
