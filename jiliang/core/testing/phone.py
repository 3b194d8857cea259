"""Phone-sized pages in Chromium: the viewport, and the checks every phone page passes (nothing
wider than the screen, the sections in the off-canvas menu, the main action on screen)."""

from dataclasses import dataclass

from playwright.sync_api import expect

PHONE = {"width": 375, "height": 812}
# The document is no wider than the window (a pixel of rounding allowed).
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"
WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# What reaches past the window's right edge, for the failure message: the outermost such
# elements, visible or not (an absolutely positioned one escapes a scrolling box that is not its
# containing block, so whether it widens the page cannot be told from its parents alone).
OVERFLOWING = """() => {
  const wide = [...document.querySelectorAll("body *")].filter((element) =>
    element.getBoundingClientRect().right > window.innerWidth + 1);
  return wide.filter((element) => !wide.includes(element.parentElement)).slice(0, 8)
    .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
      + "." + [...element.classList].join(".")
      + " " + Math.round(element.getBoundingClientRect().right) + "px");
}"""


@dataclass(frozen=True)
class Screen:
    """A page of one role, and its main action: a link or button by its (English) name, or
    None when the page's heading is what must be on screen."""

    name: str
    url: str
    action: tuple[str, str] | None = None


def set_cookies(page, url, **cookies):
    page.context.add_cookies(
        [{"name": name, "value": value, "url": url} for name, value in cookies.items()]
    )


def sign_in(page, url, world, actor):
    """Signed in as ``actor``, reading English (the msgids: the tests' words do not depend on
    the translation)."""
    session = world.client_for(actor).cookies["sessionid"].value
    page.context.clear_cookies()
    set_cookies(page, url, sessionid=session, django_language="en")


def open_menu(page):
    page.get_by_role("button", name="Menu").click()
    # Slid in: Bootstrap marks the menu .show once its transition has ended.
    expect(page.locator("#jl-sections.show:not(.showing)")).to_be_visible()


def check_screen(page, base_url, screen, results_dir=None):
    page.goto(base_url + screen.url)
    expect(page.locator("main h1").first).to_be_visible()
    widths = page.evaluate(WIDTHS)
    assert page.evaluate(FITS), (
        f"{screen.name}: the page is {widths[0]} px wide in a {widths[1]} px window; "
        f"past the edge: {page.evaluate(OVERFLOWING)}"
    )

    # The sections: behind the menu button, which opens them and moves the focus there.
    menu_button = page.get_by_role("button", name="Menu")
    expect(menu_button).to_be_visible()
    expect(menu_button).to_have_attribute("aria-controls", "jl-sections")
    sections = page.get_by_role("navigation", name="Sections")
    expect(sections).to_be_hidden()
    open_menu(page)
    expect(page.get_by_role("dialog", name="Sections")).to_be_visible()
    expect(sections).to_be_visible()
    dashboard_link = sections.get_by_role("link", name="Dashboard")
    expect(dashboard_link).to_be_visible()
    expect(dashboard_link).to_be_in_viewport(ratio=1)
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("() => document.activeElement.closest('#jl-sections') !== null")
    page.keyboard.press("Escape")
    expect(sections).to_be_hidden()
    expect(menu_button).to_have_attribute("aria-expanded", "false")

    # The page's main action (or its heading) is on screen, within the window's width.
    if screen.action:
        role, name = screen.action
        target = page.locator("main").get_by_role(role, name=name, exact=True).first
    else:
        target = page.locator("main h1").first
    expect(target).to_be_visible()
    target.scroll_into_view_if_needed()
    expect(target).to_be_in_viewport()
    box = target.bounding_box()
    assert box["x"] >= 0, (screen.name, box)
    assert box["x"] + box["width"] <= PHONE["width"] + 1, (screen.name, box)
    assert box["width"] > 40, (screen.name, box)  # a label on one line, not a vertical word
    assert box["height"] < 80, (screen.name, box)

    # The same page in Chinese, whose words wrap differently, fits too.
    set_cookies(page, base_url, django_language="zh-hans")
    page.reload()
    widths = page.evaluate(WIDTHS)
    assert page.evaluate(FITS), (
        f"{screen.name} (中文): the page is {widths[0]} px wide in a {widths[1]} px window; "
        f"past the edge: {page.evaluate(OVERFLOWING)}"
    )
    if results_dir is not None:
        page.screenshot(path=results_dir / f"phone-{screen.name}.png", full_page=True)
    set_cookies(page, base_url, django_language="en")
    page.reload()  # left in English, as found: the test goes on from this page
