"""Which Chromium the browser tests drive. Run as a module it exits 0 when one is found, so
`make test` can fall back to Playwright's own installer on a machine without one."""

import os
import shutil
import sys
from pathlib import Path

SYSTEM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Without these, Chromium tries to reach Google's services at start and, on a closed network,
# waits on them; --no-sandbox because CI runs as root.
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


def system_chromium() -> str | None:
    if path := os.environ.get("CHROMIUM_PATH"):
        return path if Path(path).exists() else None
    for name in SYSTEM_CANDIDATES:
        if path := shutil.which(name):
            return path
    return None


def playwright_chromium() -> str | None:
    """The Chromium that `playwright install chromium` downloaded, if any."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        path = p.chromium.executable_path
    return path if Path(path).exists() else None


def executable_path() -> str | None:
    return system_chromium() or playwright_chromium()


if __name__ == "__main__":
    path = executable_path()
    print(f"browser tests use: {path}" if path else "no Chromium found", file=sys.stderr)
    sys.exit(0 if path else 1)
