"""The NinjaAPI under /api/v1/, assembled from each app's router."""

from jiliang.accounts.api import router as accounts_router
from jiliang.core.api import API, API_AUTH, install_error_handlers
from jiliang.instruments.api import router as instruments_router
from jiliang.notifications.api import router as notifications_router
from jiliang.orders.api import router as orders_router
from jiliang.orgs.api import router as orgs_router

api = API(
    title="Jiliang API",
    version="1",
    description="计量服务平台 API. Authenticate with `Authorization: Bearer <token>`; "
    "create a token with `jiliang token create USERNAME` or on the account page.",
    auth=API_AUTH,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", orgs_router)
api.add_router("", "jiliang.orgs.enterprise_api.router")
api.add_router("", instruments_router)
api.add_router("", "jiliang.instruments.imports_api.router")
api.add_router("", "jiliang.instruments.labels_api.router")
api.add_router("", "jiliang.core.documents_api.router")
api.add_router("", "jiliang.orders.stats_api.router")
api.add_router("", notifications_router)
api.add_router("", orders_router)
api.add_router("", "jiliang.campaigns.api.router")
api.add_router("", "jiliang.needs.api.questionnaires.router")
api.add_router("", "jiliang.needs.api.answering.router")
api.add_router("", "jiliang.needs.api.results.router")
api.add_router("", "jiliang.needs.api.fieldwork.router")
api.add_router("", "jiliang.experts.api.consultations.router")
api.add_router("", "jiliang.experts.api.knowledge.router")
api.add_router("", "jiliang.experts.api.registry.router")
api.add_router("", "jiliang.experts.api.problems.router")
api.add_router("", "jiliang.experts.api.projects.router")
