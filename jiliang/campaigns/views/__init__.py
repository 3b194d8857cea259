"""The campaign pages of the regulators: the campaigns they see, a new campaign, the roll-up
table of a region and period with its downloads, the quotas of a region's children, a
bureau's own figures and report, the reports awaiting its decision, and the dashboard.

Every read goes through ``campaigns.selectors`` (what the user may see), every write is one
call into ``campaigns.services`` (which decides who may act and refuses bad input).

The package by topic: ``campaigns`` (the list, a new campaign), ``statistics`` (the roll-up
table, the dashboard), ``quotas``, ``figures`` (a bureau's own figures and report),
``approvals`` and ``files`` (the downloads); ``base`` holds the page of one campaign and the
display helpers. The views below are the ones ``urls`` uses.
"""

from jiliang.campaigns.views.approvals import (
    ApprovalsView,
    ApproveView,
    ChaseView,
    ReturnView,
    UnapproveView,
)
from jiliang.campaigns.views.campaigns import CampaignCreateView, CampaignListView
from jiliang.campaigns.views.figures import FiguresSubmitView, FiguresView
from jiliang.campaigns.views.files import QuotaFileView, StatisticsFileView
from jiliang.campaigns.views.quotas import QuotaImportView, QuotasView
from jiliang.campaigns.views.statistics import CampaignDetailView, DashboardView

__all__ = [
    "ApprovalsView",
    "ApproveView",
    "CampaignCreateView",
    "CampaignDetailView",
    "CampaignListView",
    "ChaseView",
    "DashboardView",
    "FiguresSubmitView",
    "FiguresView",
    "QuotaFileView",
    "QuotaImportView",
    "QuotasView",
    "ReturnView",
    "StatisticsFileView",
    "UnapproveView",
]
