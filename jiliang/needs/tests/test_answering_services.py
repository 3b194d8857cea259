"""Answering: drafts shared by an enterprise's members, full checks at submission (each refusal
naming its question, nothing saved), skip logic, one response per enterprise, the dates, paper
entry and the public link."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from jiliang.core.testing.matrix import database_fingerprint
from jiliang.needs.choices import QuestionnaireStatus, ResponseSource, ResponseStatus
from jiliang.needs.models import AnswerTally, Response
from jiliang.needs.services import answering
from jiliang.needs.tests.factories import GOOD, survey
from jiliang.orgs import services as org_services
from jiliang.orgs.enterprise_models import EnterpriseProfile

pytestmark = pytest.mark.usefixtures("english")

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def form(world):
    return survey(world.organisations["regulator_above"], region=world.regions["410100"])


def start(world, form, actor="same_enterprise"):
    return answering.response_start(
        actor=world.users[actor], questionnaire=form, enterprise=world.enterprise
    )


def save(world, response, data, actor="same_enterprise"):
    return answering.save_answers(actor=world.users[actor], response=response, data=data)


def submit(world, response, actor="same_enterprise"):
    return answering.submit_response(actor=world.users[actor], response=response)


def refused(call) -> dict:
    """The errors of a refused call, which must change nothing."""
    before = database_fingerprint()
    with pytest.raises(ValidationError) as error:
        call()
    assert database_fingerprint() == before
    return error.value.message_dict if hasattr(error.value, "error_dict") else error.value.messages


def test_members_share_one_draft_and_resume_it(world, form):
    colleague = org_services.user_create(
        actor=world.users["platform_admin"], username="li", email="li@example.com"
    )
    org_services.membership_add(
        actor=world.users["platform_admin"], organisation=world.enterprise, user=colleague,
        role="staff",
    )  # fmt: skip
    response = start(world, form)
    save(world, response, {"has_lab": "yes"})
    world.users["li"] = colleague
    again = start(world, form, actor="li")
    assert again.pk == response.pk
    save(world, again, {"lab_staff": "3", "needs": ["policy"]}, actor="li")
    values = {a.question.name for a in again.answers.select_related("question")}
    assert values == {"has_lab", "lab_staff", "needs"}
    assert again.status == ResponseStatus.DRAFT


def test_a_viewer_and_an_outsider_cannot_answer(world, form):
    with pytest.raises(PermissionDenied):
        start(world, form, actor="same_enterprise_viewer")
    with pytest.raises(Http404):
        answering.response_start(
            actor=world.users["other_enterprise"], questionnaire=form,
            enterprise=world.enterprise,
        )  # fmt: skip


def test_an_enterprise_outside_the_audience_is_not_asked(world, form):
    other = world.organisations["other_enterprise"]  # 开封市, not under 郑州市
    with pytest.raises(Http404):
        answering.response_start(
            actor=world.users["other_enterprise"], questionnaire=form, enterprise=other
        )


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        ({"lab_staff": "501"}, "lab_staff", "“计量室人数”: 501 is outside its range 0–500 人."),
        ({"lab_staff": "many"}, "lab_staff", "“计量室人数”: many is not a number."),
        ({"has_lab": "maybe"}, "has_lab", "“是否有计量室”: maybe is not one of its choices."),
        ({"needs": ["training", "fun"]}, "needs", "“需要哪些服务”: fun is not one of its choices."),
        ({"founded": "2023-02-30"}, "founded",
         "“成立日期”: 2023-02-30 is not a date (YYYY-MM-DD)."),
        ({"city": "999999"}, "city", "“所在地区”: there is no region with the code 999999."),
        ({"satisfaction": {"speed": "9"}}, "satisfaction",
         "“满意度”: 9 is not a value of its scale (row “速度”)."),
        ({"remarks": 12}, "remarks", "“其他意见”: the answer must be text."),
    ],
)  # fmt: skip
def test_a_bad_answer_is_refused_naming_its_question(world, form, data, name, words):
    response = start(world, form)
    assert refused(lambda: save(world, response, {"remarks": "ok", **data})) == {name: [words]}


def test_a_file_must_be_a_document(world, form):
    response = start(world, form)
    text = SimpleUploadedFile("licence.png", b"<html>not an image</html>")
    errors = refused(lambda: save(world, response, {"licence": text}))
    assert errors == {"licence": ["“营业执照”: licence.png is not a PDF, PNG or JPEG file."]}
    save(world, response, {"licence": SimpleUploadedFile("licence.png", PNG)})
    assert response.answers.get().file.name.startswith("survey-files/")


def test_required_answers_missing_are_named(world, form):
    response = start(world, form)
    save(world, response, {"has_lab": "yes", "needs": ["calibration"]})
    assert refused(lambda: submit(world, response)) == {
        "lab_staff": ["“计量室人数” is required."],
        "instruments": ["“计量器具数量” is required."],
    }


def test_other_needs_its_words(world, form):
    response = start(world, form)
    save(world, response, {**GOOD, "needs": ["other"]})
    assert refused(lambda: submit(world, response)) == {
        "needs": ["“需要哪些服务”: say what “other” is."]
    }
    save(world, response, {"needs": ["other"], "needs.other": "能源计量"})
    submit(world, response)
    answer = response.answers.get(question__name="needs")
    assert (answer.is_other, answer.text) == (True, "能源计量")


def test_answers_to_hidden_questions_are_dropped_and_not_required(world, form):
    response = start(world, form)
    save(world, response, {"has_lab": "yes", "lab_staff": "4", "instruments": "30"})
    save(world, response, {**GOOD, "has_lab": "no"})  # lab_staff and the section now hidden
    submit(world, response)
    names = set(response.answers.values_list("question__name", flat=True))
    assert names == {"has_lab", "needs", "employees"}


def test_submission_notes_where_the_enterprise_is_counts_and_fills_the_profile(world, form):
    response = start(world, form)
    data = {"needs": ["calibration"], "instruments": "120", "city": "410105",
            "satisfaction": {"speed": "4", "price": "5"}}  # fmt: skip
    save(world, response, {**GOOD, **data})
    submit(world, response)
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert response.submitted_at is not None
    assert response.submitted_by == world.users["same_enterprise"]
    assert (response.region, response.industry, response.size_class) == (
        world.regions["410105"],
        "C",
        "small",
    )
    assert response.region_path == world.regions["410105"].path
    assert AnswerTally.objects.filter(region=world.regions["410105"]).exists()
    profile = EnterpriseProfile.objects.get(organisation=world.enterprise)
    assert profile.employees == 80


def test_a_second_submission_is_refused_with_a_clear_message(world, form):
    response = start(world, form)
    save(world, response, GOOD)
    submit(world, response)
    (message,) = refused(lambda: submit(world, response))
    assert message.startswith("This enterprise has already submitted “企业计量需求调研” (")
    assert refused(lambda: save(world, response, {"remarks": "again"}))
    assert start(world, form).pk == response.pk  # no second response


def test_the_database_keeps_one_response_per_enterprise(world, form):
    start(world, form)
    with pytest.raises(ValidationError):
        Response(questionnaire=form, enterprise=world.enterprise).validate_constraints()


def test_answers_after_the_close_date_or_before_opening_are_refused(world, form):
    response = start(world, form)
    today = timezone.localdate()
    form.closes_on = today - timedelta(days=1)
    form.opens_on = today - timedelta(days=10)
    form.save()
    (message,) = refused(lambda: save(world, response, GOOD))
    assert (
        message == f"“企业计量需求调研” closed on {form.closes_on}; answers are no longer accepted."
    )
    assert refused(lambda: submit(world, response))
    form.opens_on, form.closes_on = today + timedelta(days=1), None
    form.save()
    (message,) = refused(lambda: save(world, response, GOOD))
    assert (
        message == f"“企业计量需求调研” opens on {form.opens_on}; answers are not accepted before."
    )
    form.opens_on, form.status = None, QuestionnaireStatus.CLOSED
    form.save()
    assert refused(lambda: submit(world, response)) == [
        "“企业计量需求调研” is not open for answers."
    ]


def test_staff_of_a_bureau_above_enter_a_paper_questionnaire(world, form):
    for actor in ("sibling_regulator", "institution", "other_enterprise"):
        with pytest.raises(Http404):
            answering.paper_response_start(
                actor=world.users[actor], questionnaire=form, enterprise=world.enterprise
            )
    staff = world.users["regulator_above"]
    response = answering.paper_response_start(
        actor=staff, questionnaire=form, enterprise=world.enterprise, respondent_name="王芳"
    )
    answering.save_answers(actor=staff, response=response, data=GOOD)
    answering.submit_response(actor=staff, response=response)
    response.refresh_from_db()
    assert (response.source, response.entered_by, response.status) == (
        ResponseSource.PAPER,
        staff,
        ResponseStatus.SUBMITTED,
    )
    # The enterprise's profile is the bureau's to keep too.
    assert EnterpriseProfile.objects.get(organisation=world.enterprise).employees == 80
    (message,) = refused(
        lambda: answering.paper_response_start(
            actor=staff, questionnaire=form, enterprise=world.enterprise
        )
    )
    assert message.startswith("This enterprise has already submitted")


def test_paper_entry_leaves_an_online_draft_to_the_enterprise(world, form):
    start(world, form)
    (message,) = refused(
        lambda: answering.paper_response_start(
            actor=world.users["regulator_above"], questionnaire=form, enterprise=world.enterprise
        )
    )
    assert message == "same_enterprise organisation has a draft of its own online; it submits it."


def test_an_answer_through_the_public_link(world, form):
    form.public_link_enabled = True
    form.save()
    assert refused(
        lambda: answering.public_response_submit(
            questionnaire=form, respondent_name=" ", respondent_contact="", data=GOOD
        )
    ) == {
        "respondent_name": ["Say who answers and how to reach them."],
        "respondent_contact": ["Say who answers and how to reach them."],
    }
    assert refused(
        lambda: answering.public_response_submit(
            questionnaire=form, respondent_name="赵", respondent_contact="138", data={}
        )
    ) == {"has_lab": ["“是否有计量室” is required."], "needs": ["“需要哪些服务” is required."]}
    response = answering.public_response_submit(
        questionnaire=form,
        respondent_name="赵磊",
        respondent_contact="13800000000",
        data={**GOOD, "needs": ["calibration"], "instruments": "5", "city": "410105"},
        region=world.regions["410200"],
    )
    assert response.enterprise is None
    assert response.source == ResponseSource.PUBLIC_LINK
    assert response.region == world.regions["410105"]  # the region answered wins
    assert response.answers.get(question__name="instruments").number == Decimal("5")
