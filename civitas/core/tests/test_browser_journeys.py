"""The main journeys in headless Chromium (make test-browser).

Debian's Chromium (/usr/bin/chromium, installed by civitas.core.browser_check) runs
with --no-sandbox. Each journey runs on a phone-sized and a desktop window, in Chinese
and in English; screenshots land in var/screenshots/ as the run's artifacts. Any
Content Security Policy violation or script error on a page fails the journey.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from civitas.conftest import PASSWORD
from civitas.organizations.models import Organization

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WINDOWS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is missing: run make test-browser, which installs it")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the test
    # makes between pages are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        yield launched
        launched.close()


class Journey:
    def __init__(self, browser, base_url: str, window: str, language: str) -> None:  # type: ignore[no-untyped-def]
        self.browser, self.base_url, self.window, self.language = browser, base_url, window, language
        self.problems: list[str] = []
        self.shots = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def open(self):  # type: ignore[no-untyped-def]
        context = self.browser.new_context(viewport=WINDOWS[self.window], is_mobile=self.window == "phone",
                                           locale="zh-CN" if self.language == "zh-hans" else "en-US")
        page = context.new_page()
        page.on("console", lambda message: self._console(message))
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("response", lambda response: response.status == 404 and self.problems.append(f"404: {response.url}"))
        page.set_default_timeout(10_000)
        return page

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def go(self, page, path: str) -> None:  # type: ignore[no-untyped-def]
        page.goto(self.base_url + path)

    def shot(self, page, step: str) -> None:  # type: ignore[no-untyped-def]
        self.shots += 1
        page.screenshot(path=str(SCREENSHOTS / f"{self.window}-{self.language}-{self.shots:02d}-{step}.png"), full_page=True)

    def open_menu(self, page) -> None:  # type: ignore[no-untyped-def]
        toggle = page.locator(".menu-toggle")
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()

    def choose_language(self, page) -> None:  # type: ignore[no-untyped-def]
        self.open_menu(page)
        with page.expect_navigation():
            page.select_option("#lang-select", self.language)
        expected = "zh-Hans" if self.language == "zh-hans" else "en"
        assert page.locator("html").get_attribute("lang") == expected

    def sign_in(self, page, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
        self.go(page, "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()

    def sign_out(self, page) -> None:  # type: ignore[no-untyped-def]
        self.open_menu(page)
        page.locator("form[action$='/logout/'] button").click()
        page.wait_for_load_state()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("window", list(WINDOWS))
def test_register_join_and_approve(transactional_db, cast, live_server, browser, window, language):
    journey = Journey(browser, live_server.url, window, language)
    page = journey.open()
    journey.go(page, "/")
    journey.choose_language(page)
    journey.shot(page, "home")

    # Register: a wrong check digit is refused, a right one fills the birth date.
    run = list(WINDOWS).index(window) * 2 + ["zh-hans", "en"].index(language)
    mobile = f"1370000{run:04d}"
    good_id = resident_id(f"11010119950815{run + 101:03d}")
    bad_id = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    journey.go(page, "/accounts/signup/")
    page.fill("#id_real_name", "张三")
    page.fill("#id_mobile", mobile)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.select_option("#id_id_type", "resident_id")
    page.fill("#id_id_number", bad_id)
    assert page.input_value("#id_birth_date") == ""
    page.check("#id_privacy_consent")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".field.has-error #id_id_number").count() == 1
    assert page.locator(".field.has-error .error").first.is_visible()
    assert "/accounts/signup/" in page.url
    journey.shot(page, "register-wrong-id")
    page.fill("#id_id_number", good_id)
    assert page.input_value("#id_birth_date") == "1995-08-15"
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/accounts/me/$"))
    assert "1995-08-15" in page.content()
    assert good_id not in page.content()  # masked on the page
    journey.shot(page, "registered")

    # Sign out and in again, then apply to organization A.
    journey.sign_out(page)
    journey.sign_in(page, mobile)
    assert page.url.endswith("/accounts/me/")
    journey.go(page, f"/organizations/{cast.org_a.pk}/")
    page.locator(f"form[action$='/organizations/{cast.org_a.pk}/join/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form[action*='/memberships/']").count() == 1
    journey.shot(page, "applied")

    # The new volunteer proposes an organization for the committee to approve.
    journey.go(page, "/organizations/new/")
    page.fill("#id_name", f"新社区服务队 {window} {language}")
    page.select_option("#id_kind", "team")
    page.select_option("#id_region", str(cast.city.district_a.pk))
    page.fill("#id_contact_name", "张三")
    page.fill("#id_contact_phone", "027-88886666")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/organizations/\d+/$"))
    journey.shot(page, "organization-proposed")
    page.context.close()

    # Organizer A approves the application.
    organizer = journey.open()
    journey.sign_in(organizer, "13900000011")
    journey.go(organizer, f"/organizations/{cast.org_a.pk}/members/?status=applied")
    journey.shot(organizer, "members-waiting")
    row = organizer.locator("tr", has_text="张三")
    # "Show full number" swaps the numbers in with htmx (and writes an audit entry).
    row.locator("form[action*='/personal-data/'] button").click()
    row.locator(".personal-data").wait_for()
    assert mobile in row.inner_text() and good_id in row.inner_text()
    journey.shot(organizer, "full-number")
    row.locator("button[name=approve][value='1']").click()
    organizer.wait_for_load_state()
    journey.shot(organizer, "member-approved")
    organizer.context.close()

    # City staff approve the new organization from the review queue.
    staff = journey.open()
    journey.sign_in(staff, "city-staff")
    journey.go(staff, "/organizations/review/")
    journey.shot(staff, "review-queue")
    card = staff.locator("article", has_text=f"新社区服务队 {window} {language}")
    card.locator("button[name=action][value=approve]").click()
    staff.wait_for_load_state()
    journey.shot(staff, "organization-approved")
    staff.context.close()

    from civitas.organizations.models import Membership

    assert Membership.objects.filter(organization=cast.org_a, user__volunteer__real_name="张三",
                                     status="approved").exists()
    assert Organization.objects.get(name=f"新社区服务队 {window} {language}").status == "approved"
    from civitas.accounts.models import AuditEntry

    assert AuditEntry.objects.filter(action="personal_data.view", actor=cast.organizer_a).exists()
    assert not journey.problems, "\n".join(journey.problems)
