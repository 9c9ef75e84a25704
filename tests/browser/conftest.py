"""A real Chromium (Debian's) driven by Playwright over the running system's web pages.

Each test gets a fresh browser context (its own cookies); `sign_in(page, role, producer, email,
customer=None)` opens a one-time link printed by `ardoise login-link`, as a person would click
it. Screenshots go under `.run/test/screenshots/` (`shot(page, name)`)."""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from ardoise_tools.devservers.browser import LAUNCH_ARGS, find_chromium
from ardoise_tools.testing.servers import test_stack
from ardoise_tools.testing.tracking import turn_tracking_on


@pytest.fixture(scope="module")
def browser(system):
    """Started after the system (its servers start with asyncio.run, which Playwright's sync
    API, an event loop of its own, forbids while it runs), and closed with each module, so that
    the asynchronous tests that follow never run beside it."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=find_chromium(), headless=True,
                                              args=list(LAUNCH_ARGS))
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, system) -> Page:
    context = browser.new_context(base_url=system.urls["web"], locale="fr-FR",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def phone(browser, system) -> Page:
    """A phone-sized page (the customer's account page is made for it first)."""
    context = browser.new_context(base_url=system.urls["web"], locale="fr-FR",
                                  viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def producer_id(system) -> str:
    producer = f"p-{uuid.uuid4().hex[:12]}"
    turn_tracking_on(system.urls, system.env["ARDOISE_JWT_SECRET"], producer)
    return producer


def login_link(system, role: str, producer: str, email: str, customer: str | None = None) -> str:
    ardoise = Path(sys.executable).parent / "ardoise"
    args = [str(ardoise), "login-link", role, producer, email]
    if customer:
        args += ["--customer", customer]
    printed = subprocess.run(args, env={**os.environ, **system.env}, capture_output=True,
                             text=True, timeout=60, check=True).stdout
    return printed.strip().splitlines()[-1]


@pytest.fixture
def sign_in(system):
    def signing_in(page: Page, role: str, producer: str, email: str,
                   customer: str | None = None) -> None:
        page.goto(login_link(system, role, producer, email, customer))
        page.get_by_role("button", name="Se connecter à Ardoise").click()
        page.wait_for_url(re.compile(r".*/(clients|mon-compte)$"))
    return signing_in


SCREENSHOTS = test_stack().home / "screenshots"


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot kept as a test artefact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
