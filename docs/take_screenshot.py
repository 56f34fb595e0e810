"""Take docs/portfolio.png, the README's picture of the portfolio page, with Playwright.

Run against a server with the demo loaded (`make run`), from the repository's root:
`.venv/bin/python docs/take_screenshot.py [http://127.0.0.1:8000]`.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

TARGET = Path(__file__).parent / "portfolio.png"


def main(base_url: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-GB")
        page.goto(f"{base_url}/")
        page.screenshot(path=str(TARGET))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
