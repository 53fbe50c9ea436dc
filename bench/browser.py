"""Benchmark: how long a reader waits for the first search results, in a real headless Chromium.

The built site is served by gongkai's own server on loopback under its
sub-path, as the browser tests do. For each sample the browser's cache is
emptied, the search page loaded, the query typed into its box and Enter
pressed; the time runs from the form's submission to the first result in the
list, so it covers loading Pagefind, fetching the index parts the query needs
and showing the result. Run with `python bench/browser.py OUTPUT [BASE_PATH]`
on a built site, or from bench/run.py.

`--one-index` also times the same search page over a copy of the site whose
notices are all in one Pagefind bundle (its shards.json names that bundle
alone), which is what the index in shards is compared with.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SAMPLES = 3

# Installed before typing: note when the form is submitted (capture phase, before the page's own
# handler) and when the first result appears in the list.
WATCH = """
window.__submitted = null; window.__shown = null;
var list = document.querySelector("[data-search-results]");
document.addEventListener("submit", function () { window.__submitted = performance.now(); }, true);
new MutationObserver(function (changes, observer) {
  if (list.querySelector("li")) { window.__shown = performance.now(); observer.disconnect(); }
}).observe(list, {childList: true, subtree: true});
"""


def first_results(output: Path, base_path: str, query: str, samples: int = SAMPLES) -> list[float]:
    """Serve `output` at `base_path`; return, per sample, the milliseconds from Enter to the first result."""
    from selenium import webdriver  # noqa: PLC0415 (only the benchmark needs Selenium)
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.common.keys import Keys  # noqa: PLC0415
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    from generator.cli.serve import make_server  # noqa: PLC0415

    server = make_server(output, base_path, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}{base_path}search/"
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=zh-CN", f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        try:
            times = []
            for _ in range(samples):
                driver.execute_cdp_cmd("Network.clearBrowserCache", {})
                driver.get(url)
                driver.execute_script(WATCH)
                driver.find_element(By.CSS_SELECTOR, "#search-q").send_keys(query, Keys.ENTER)
                WebDriverWait(driver, 60, poll_frequency=0.01).until(
                    lambda d: d.execute_script("return window.__shown !== null"))
                times.append(driver.execute_script("return window.__shown - window.__submitted"))
            return times
        finally:
            driver.quit()
            server.shutdown()
            server.server_close()


def with_one_index(output: Path, folder: Path) -> Path:
    """Copy a built site (pages hard-linked) with every notice page in one Pagefind bundle instead of shards."""
    from generator.build import search  # noqa: PLC0415
    from generator.build.pagefind_order import canonicalise  # noqa: PLC0415

    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(output, folder, copy_function=os.link, ignore=lambda d, names: (
        [search.BUNDLE] if Path(d) == output else []))
    pages = tuple(sorted(rel for shard in search.plan_shards(folder) for rel in shard.pages))
    search._index(folder, pages, folder / search.BUNDLE / "all", "all")
    canonicalise(folder / search.BUNDLE / "all")
    (folder / search.BUNDLE / search.SHARDS).write_text(json.dumps({"shards": ["all"]}), encoding="utf-8")
    return folder


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("output", type=Path, help="a built site")
    p.add_argument("base_path", nargs="?", default="/", help="the site's sub-path, e.g. /gk/")
    p.add_argument("--query", default="通知")
    p.add_argument("--one-index", action="store_true", help="also time the site with one index instead of shards")
    args = p.parse_args()
    times = first_results(args.output, args.base_path, args.query)
    print(f"first results: {median(times):.0f} ms, median of {', '.join(f'{t:.0f}' for t in times)}")
    if args.one_index:
        with tempfile.TemporaryDirectory(prefix="bench-one-index-") as scratch:
            one = first_results(with_one_index(args.output.resolve(), Path(scratch) / "site"), args.base_path,
                                args.query)
        print(f"one index: {median(one):.0f} ms, median of {', '.join(f'{t:.0f}' for t in one)}")


if __name__ == "__main__":
    main()
