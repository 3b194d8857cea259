"""Enterprises' metrology problems (问题清单), their triage and solution, and the joint
projects (联合攻关) hard problems become."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import ScopedQuerySet, managed_region_condition
from jiliang.core.uploads import document_suffix, validate_document
from jiliang.experts.choices import (
    OVERDUE_PROBLEM_STATES,
    CaseConsent,
    MetrologyField,
    ProblemCategory,
    ProblemSource,
    ProblemState,
    ProjectState,
    Urgency,
)

EDITOR_ROLES = frozenset({"admin", "staff"})


def problem_condition(scope, *, editing: bool = False) -> Q:
    """The enterprise's own problems, those assigned to the user, their group or their
    organisation, those of the joint projects they take part in, and those in a regulator's
    subtree; to change them, an enterprise or a bureau needs its admins or staff.

    Each branch is a condition on one indexed column of the problem, never a join (which
    would multiply rows and need a ``pk IN`` around it): the bureau's branch, ``region_id IN``
    its subtree, is then served by the triage index for a list of 100,000 problems."""
    from jiliang.experts.models.experts import Expert, ExpertGroup

    organisations = scope.organisation_ids()
    experts = Expert.objects.filter(user_id=scope.user_id).values("pk")
    groups = ExpertGroup.objects.filter(members__user_id=scope.user_id).values("pk")
    projects = JointProject.objects.filter(
        Q(experts__user_id=scope.user_id) | Q(institutions__in=organisations)
    ).values("pk")
    condition = (
        Q(enterprise_id__in=scope.organisation_ids(EDITOR_ROLES if editing else None))
        | Q(assigned_organisation_id__in=organisations)
        | Q(assigned_expert_id__in=experts)
        | Q(assigned_group_id__in=groups)
        | Q(project_id__in=projects)
    )
    if editing:
        return condition | managed_region_condition(scope)
    if scope.regulated_region_ids:
        condition |= Q(region_id__in=scope.regulated_region_ids)
    return condition


class ProblemQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return problem_condition(scope)

    def editable_condition(self, scope):
        # An enterprise's or a bureau's viewers read its problems and change nothing.
        return problem_condition(scope, editing=True)

    def open(self):
        return self.exclude(state__in=[ProblemState.SOLVED, ProblemState.UNSOLVABLE])

    def overdue(self, today):
        return self.filter(state__in=OVERDUE_PROBLEM_STATES, target_date__lt=today)


def problem_document_path(document, filename: str) -> str:
    # Stored under the suffix of what the file is, never under the name it was sent with.
    return f"problems/{document.problem_id}/{uuid.uuid4().hex}{document_suffix(document.file)}"


class Problem(TimeStampedModel):
    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    # The enterprise's region when the problem was stated: the bureaus above it triage it, and
    # it is counted there (copied so the bureau's list filters one indexed column).
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=ProblemCategory.choices)
    field = models.CharField(_("field"), max_length=20, choices=MetrologyField.choices)
    description = models.TextField(_("description"))
    tried = models.TextField(_("what has been tried"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    source = models.CharField(
        _("source"), max_length=12, choices=ProblemSource.choices, default=ProblemSource.ENTERPRISE
    )
    need = models.ForeignKey(
        "needs.Need",
        verbose_name=_("from need"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ProblemState.choices, default=ProblemState.NEW
    )
    assigned_group = models.ForeignKey(
        "experts.ExpertGroup",
        verbose_name=_("expert group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    assigned_expert = models.ForeignKey(
        "experts.Expert",
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    assigned_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_problems",
    )
    # Why an assignee outside the bureau's region or the problem's field was chosen.
    assignment_reason = models.TextField(_("reason for the assignment"), blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    target_workdays = models.PositiveSmallIntegerField(
        _("target (working days)"), null=True, blank=True
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    overdue_flagged_on = models.DateField(_("flagged overdue on"), null=True, blank=True)
    solution = models.TextField(_("proposed solution"), blank=True)
    proposed_at = models.DateTimeField(_("solution proposed at"), null=True, blank=True)
    solved_at = models.DateTimeField(_("confirmed solved at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the solution"), blank=True)
    unsolvable_reason = models.TextField(_("why it cannot be solved"), blank=True)
    case_consent = models.CharField(
        _("publication as a typical case"),
        max_length=12,
        choices=CaseConsent.choices,
        default=CaseConsent.NO,
    )
    project = models.ForeignKey(
        "experts.JointProject",
        verbose_name=_("joint project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
    )

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-created", "-pk"]
        indexes = [
            # The bureau's list: its regions, a state, overdue first.
            models.Index(fields=["region", "state", "target_date"], name="problem_triage"),
            models.Index(fields=["enterprise", "state"]),
            models.Index(fields=["updated"]),
            models.Index(fields=["solved_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="problem_rating_1_to_5",
                violation_error_message=_("A rating is from 1 to 5."),
            ),
            models.UniqueConstraint(
                fields=["need"],
                name="problem_from_need_once",
                violation_error_message=_("This need is already a problem."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("problems:problem_detail", args=[self.pk])

    def is_overdue(self, today) -> bool:
        return bool(
            self.state in OVERDUE_PROBLEM_STATES and self.target_date and self.target_date < today
        )

    def assignee_label(self) -> str:
        return " · ".join(
            str(part)
            for part in (self.assigned_group, self.assigned_expert, self.assigned_organisation)
            if part
        )


class ProblemEvent(models.Model):
    """One step of a problem's history, shown as its timeline."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=12, choices=ProblemState.choices)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.problem} · {self.get_state_display()}"


class AttachedDocument(models.Model):
    """A file attached to a problem or a joint project: its name, who uploaded it, when."""

    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created", "pk"]

    def __str__(self):
        return self.name


class ProblemDocument(AttachedDocument):
    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(
        _("file"), upload_to=problem_document_path, validators=[validate_document]
    )

    class Meta(AttachedDocument.Meta):
        verbose_name = _("problem document")
        verbose_name_plural = _("problem documents")


def project_condition(scope) -> Q:
    organisations = scope.organisation_ids()
    condition = (
        Q(bureau_id__in=organisations)
        | Q(institutions__in=organisations)
        | Q(enterprises__in=organisations)
        | Q(experts__user_id=scope.user_id)
    )
    if scope.regulated_region_ids:
        condition |= Q(region_id__in=scope.regulated_region_ids)
    return condition


class JointProjectQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return Q(pk__in=JointProject.objects.filter(project_condition(scope)).values("pk"))

    def editable_condition(self, scope):
        # The coordinating bureau (and those above it) run the project.
        return Q(bureau_id__in=scope.organisation_ids(EDITOR_ROLES)) | managed_region_condition(
            scope
        )


class JointProject(TimeStampedModel):
    """联合攻关: institutions, experts and enterprises working on hard problems together."""

    bureau = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("coordinating bureau"),
        on_delete=models.PROTECT,
        related_name="joint_projects",
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"))
    state = models.CharField(
        _("state"), max_length=12, choices=ProjectState.choices, default=ProjectState.ACTIVE
    )
    started_on = models.DateField(_("started on"))
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    institutions = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name=_("institutions"),
        related_name="joint_projects_as_institution",
        blank=True,
    )
    enterprises = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name=_("enterprises"),
        related_name="joint_projects_as_enterprise",
        blank=True,
    )
    experts = models.ManyToManyField(
        "experts.Expert", verbose_name=_("experts"), related_name="joint_projects", blank=True
    )

    objects = JointProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["updated"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("problems:project_detail", args=[self.pk])


class ProjectMilestone(models.Model):
    project = models.ForeignKey(
        JointProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title


def project_document_path(document, filename: str) -> str:
    suffix = document_suffix(document.file)
    return f"joint-projects/{document.project_id}/{uuid.uuid4().hex}{suffix}"


class ProjectDocument(AttachedDocument):
    project = models.ForeignKey(
        JointProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(
        _("file"), upload_to=project_document_path, validators=[validate_document]
    )

    class Meta(AttachedDocument.Meta):
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
