"""A long list's labels in Chromium: the job is started, followed and its PDF downloaded."""

import re
import subprocess

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from jiliang.core.models import DocumentJob
from jiliang.core.testing.matrix import build_world
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.instruments.views import labels as label_views
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FITS_THE_WINDOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_the_labels_of_a_long_list_are_made_in_the_background_and_downloaded(
    live_server, page, results_dir, monkeypatch, settings, tmp_path
):
    monkeypatch.setattr(label_views, "LABELS_AT_ONCE", 2)  # three labels are "many"
    settings.MEDIA_ROOT = tmp_path / "media"
    load_reference_regions(Region)
    world = build_world()
    for number in range(3):
        add_instrument(world, management_number=f"BG-{number}", name="游标卡尺")

    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("用户名").fill("same_enterprise")
    page.get_by_label("密码").fill("matrix-password-1")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/instruments/")
    page.locator("a[href*='/instruments/labels.pdf']").click()

    # Too many to wait for: a page that starts the job, nothing started yet.
    start = page.locator("form[action*='/instruments/labels.pdf'] button[type=submit]")
    expect(start).to_be_visible()
    page.screenshot(path=results_dir / "labels-job-start.png", full_page=True)
    start.click()

    # The job's page: polled until the document is ready, then the download.
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    download_link = page.locator("a[href*='/documents/'][href$='/download/']")
    expect(download_link).to_be_visible()
    expect(page.locator("progress")).to_have_count(0)
    page.screenshot(path=results_dir / "labels-job-ready.png", full_page=True)
    with page.expect_download() as download:
        download_link.click()
    path = tmp_path / "labels.pdf"
    download.value.save_as(path)
    text = subprocess.run(
        ["/usr/bin/pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert all(f"BG-{number}" in text for number in range(3))


def test_the_job_page_follows_the_progress_until_the_document_is_ready(
    live_server, page, results_dir, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_reference_regions(Region)
    world = build_world()
    job = DocumentJob.objects.create(
        kind="instruments.labels",
        title="Labels of 300 instruments",
        created_by=world.users["same_enterprise"],
        status="running",
        progress=40,
    )
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("用户名").fill("same_enterprise")
    page.get_by_label("密码").fill("matrix-password-1")
    page.get_by_role("button", name="登录").click()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    expect(page.locator("progress")).to_have_attribute("value", "40")
    assert page.evaluate(FITS_THE_WINDOW)
    page.screenshot(path=results_dir / "labels-job-running-375.png", full_page=True)

    DocumentJob.objects.filter(pk=job.pk).update(progress=80)
    expect(page.locator("progress")).to_have_attribute("value", "80")  # polled
    job.file.save("labels.pdf", ContentFile(b"%PDF-1.7"), save=False)
    DocumentJob.objects.filter(pk=job.pk).update(
        status="done", progress=100, file=job.file.name, filename="labels.pdf"
    )
    expect(page.locator("a[href$='/download/']")).to_be_visible()
    expect(page.locator("progress")).to_have_count(0)
