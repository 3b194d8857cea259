"""Every write of service orders: creation, the transitions, results and time limits.

A transition is one conditional UPDATE (``status IN sources``): of two staff accepting the same
order at once exactly one wins, on SQLite as on PostgreSQL; the loser gets a clear error. A step
the order's state does not allow raises ``TransitionRefused`` (a ValidationError: the API's 409),
a rule the data breaks a plain ValidationError (its 400).

An instrument is in one draft or open order at a time, and the database decides it (the partial
unique constraint ``instrument_in_one_open_order`` over the items of orders not closed): of two
orders made at once for one instrument the second's insert waits for the first to commit, then
fails, and ``_add_items`` turns that into the ValidationError naming the instrument that the check
before it gives when it sees the other order.
"""

from jiliang.orders.services.common import (
    BUSY_STATUSES,
    DEFAULT_TIME_LIMITS,
    ORDER_FIELDS,
    RECORD_KIND,
    SME_SIZES,
)
from jiliang.orders.services.ordering import (
    attachment_add,
    mandatory_filing,
    order_create,
    order_update,
)
from jiliang.orders.services.time_limits import (
    TIME_LIMIT_ROLES,
    may_set_time_limits,
    pause_end,
    pause_start,
    time_limit,
    time_limit_set,
)
from jiliang.orders.services.transitions import (
    VISIT_AHEAD_DAYS,
    VISIT_BEHIND_DAYS,
    item_record_result,
    order_accept,
    order_cancel,
    order_complete,
    order_receive,
    order_return,
    order_schedule_visit,
    order_submit,
)

__all__ = [
    "BUSY_STATUSES",
    "DEFAULT_TIME_LIMITS",
    "ORDER_FIELDS",
    "RECORD_KIND",
    "SME_SIZES",
    "TIME_LIMIT_ROLES",
    "VISIT_AHEAD_DAYS",
    "VISIT_BEHIND_DAYS",
    "attachment_add",
    "item_record_result",
    "mandatory_filing",
    "may_set_time_limits",
    "order_accept",
    "order_cancel",
    "order_complete",
    "order_create",
    "order_receive",
    "order_return",
    "order_schedule_visit",
    "order_submit",
    "order_update",
    "pause_end",
    "pause_start",
    "time_limit",
    "time_limit_set",
]
