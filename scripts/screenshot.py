#!/usr/bin/env python3
"""Screenshot portal pages at 1366x768 as a given user, to look at what we build.

python scripts/screenshot.py BASE_URL USERNAME PASSWORD OUTDIR PATH [PATH ...]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main(base, username, password, outdir, *paths):
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{base}/accounts/login/")
        page.screenshot(path=str(out / "login.png"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        for path in paths:
            page.goto(f"{base}{path}")
            name = path.strip("/").replace("/", "_") or "home"
            page.screenshot(path=str(out / f"{username}-{name}.png"))
            print(out / f"{username}-{name}.png")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
