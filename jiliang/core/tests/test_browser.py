"""The main flow in Debian's Chromium: an enterprise user signs in and sees the dashboard."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_enterprise_user_signs_in_and_sees_the_chinese_dashboard(live_server, page, results_dir):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    console_errors = []
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    page.get_by_label("用户名").fill("demo-enterprise")
    page.get_by_label("密码").fill("jiliang-demo")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="企业工作台")).to_be_visible()
    expect(page.get_by_text("郑州恒信精密机械有限公司").first).to_be_visible()
    expect(page.get_by_role("navigation", name="功能栏目")).to_contain_text("计量器具台账")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.screenshot(path=results_dir / "enterprise-dashboard.png", full_page=True)

    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("heading", name="Enterprise dashboard")).to_be_visible()
    assert console_errors == []  # a CSP violation would show here


def test_wrong_password_shows_the_error_in_chinese(live_server, page):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("用户名").fill("demo-enterprise")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的")
