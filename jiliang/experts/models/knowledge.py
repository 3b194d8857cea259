"""What everyone may read and search: the common questions (常见计量问答) bureaus edit, the
typical cases (典型案例) enterprises agreed to publish, and the search index over them and the
public consultations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import ScopedQuerySet, managed_region_condition
from jiliang.experts.choices import MetrologyField, ProblemCategory, SearchKind

EDITOR_ROLES = frozenset({"admin", "staff"})


class PublishedQuerySet(ScopedQuerySet):
    """Published rows for everyone; drafts for the publishing bureau and those above it."""

    def visible_condition(self, scope):
        return Q(is_published=True) | self.editable_condition(scope)

    def editable_condition(self, scope):
        return Q(publisher_id__in=scope.organisation_ids(EDITOR_ROLES)) | managed_region_condition(
            scope, "publisher__region"
        )

    def published(self):
        return self.filter(is_published=True)


class KnowledgeEntry(TimeStampedModel):
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    field = models.CharField(_("field"), max_length=20, choices=MetrologyField.choices, blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    publisher = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="knowledge_entries",
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.ForeignKey(
        "experts.Consultation",
        verbose_name=_("from consultation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="knowledge_entries",
    )
    is_published = models.BooleanField(_("published"), default=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("common question")
        verbose_name_plural = _("common questions")
        ordering = ["-updated", "-pk"]
        indexes = [models.Index(fields=["updated"])]

    def __str__(self):
        return self.question


class TypicalCase(TimeStampedModel):
    """A solved problem published, with the enterprise's consent, named or anonymised."""

    problem = models.OneToOneField(
        "experts.Problem",
        verbose_name=_("problem"),
        on_delete=models.PROTECT,
        related_name="typical_case",
    )
    title = models.CharField(_("title"), max_length=200)
    # The enterprise's name, or a description such as 某食品加工小微企业 when anonymised.
    enterprise_shown_as = models.CharField(_("enterprise shown as"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=ProblemCategory.choices)
    field = models.CharField(_("field"), max_length=20, choices=MetrologyField.choices)
    problem_summary = models.TextField(_("the problem"))
    solution_summary = models.TextField(_("how it was solved"))
    publisher = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="typical_cases",
    )
    is_published = models.BooleanField(_("published"), default=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")
        ordering = ["-updated", "-pk"]
        indexes = [models.Index(fields=["updated"])]

    def __str__(self):
        return self.title


class SearchEntry(models.Model):
    """One searchable public text; the full-text index (PostgreSQL tsvector, SQLite FTS5) is
    built over its segmented ``title_terms`` and ``body_terms``."""

    kind = models.CharField(_("kind"), max_length=12, choices=SearchKind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    field = models.CharField(_("field"), max_length=20, choices=MetrologyField.choices, blank=True)
    title_terms = models.TextField(_("title words"))
    body_terms = models.TextField(_("text words"))
    updated = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_once")
        ]

    def __str__(self):
        return self.title
