#!/usr/bin/python3
"""The explorer in a real browser: Debian's chromium, headless, driven by
selenium through chromium-driver. Starts `gridsweep serve`, loads the page,
waits for the map, drags a zoom rectangle and checks that new tiles arrive
and draw, clicks a cell and checks that its trace appears, and saves
screenshots into OUTDIR.
    explorer.py GRIDSWEEP OUTDIR
Exit 77 (skipped) when chromium, its driver or selenium is missing or
chromium cannot start; never a pass without a browser."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77


def skip(why):
    print(f"SKIP: {why}")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(SKIP)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
except ImportError:
    skip("python3-selenium is not installed (scripts/deps browser)")

DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not (os.path.exists(DRIVER) and os.path.exists(CHROMIUM)):
    skip("chromium or chromium-driver is not installed (scripts/deps browser)")

gridsweep, outdir = sys.argv[1], sys.argv[2]
os.makedirs(outdir, exist_ok=True)
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(f"{'ok' if ok else 'FAIL'}: {what}")
    if ok:
        passed += 1
    else:
        failed += 1


# Seconds a view may take to complete: a sanitizer build on a slow 2-core
# machine, busy with other tests, took over 60 (Zen 3, 2026-12-07).
VIEW_WAIT = 300


def wait(fn, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    check(False, f"{what} (timed out after {timeout} s)")
    return None


cache = tempfile.mkdtemp()
server = subprocess.Popen([gridsweep, "serve", "--port", "0", "--cache", cache, "--res", "128"],
                          stdout=subprocess.PIPE, text=True)
line = server.stdout.readline()
m = re.match(r"gridsweep: serving (http://\S+)$", line.strip())
if not m:
    server.kill()
    print(f"FAIL: serve printed {line!r}")
    print("0 passed, 1 failed")
    sys.exit(1)
url = m.group(1)

opts = Options()
opts.binary_location = CHROMIUM
for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
          "--window-size=1200,900", f"--user-data-dir={tempfile.mkdtemp()}"):
    opts.add_argument(a)
try:
    browser = webdriver.Chrome(service=Service(DRIVER), options=opts)
except Exception as e:  # noqa: BLE001 - any start failure means no browser here
    server.send_signal(signal.SIGINT)
    server.wait()
    skip(f"chromium does not start here: {str(e).splitlines()[0]}")
# The map export below trains the whole view before its first byte: in a
# sanitizer build on a slow machine that outlasted selenium's 30 s default
# for a script (Zen 3, 2026-12-07).
browser.set_script_timeout(600)

status = "return window.gsStatus && {done: gsStatus.done, total: gsStatus.total, " \
         "coarse: gsStatus.coarseMs, gen: gsStatus.gen, x: location.search}"
try:
    browser.get(url)
    st = wait(lambda: (s := browser.execute_script(status)) and s["done"] == s["total"] and
              s["total"] > 0 and s, VIEW_WAIT, "the first view completes")
    if st:
        check(st["coarse"] is not None, f"a coarse picture came first ({st['coarse']:.0f} ms)")
        check(st["total"] == 16, f"a 128 x 128 view is 16 tiles (got {st['total']})")
    # Drawn: the canvas holds outcome colours, not only the pending grey.
    colours = browser.execute_script(
        "const c = document.getElementById('map'), d = c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data, s = new Set();"
        "for (let i = 0; i < d.length; i += 4) s.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);"
        "return s.size;")
    check(colours >= 3, f"the map is drawn in outcome colours ({colours} colours)")
    legend = browser.find_element("id", "legend").text
    check("converged" in legend and "%" in legend, f"the legend has fractions: {legend!r}")
    browser.save_screenshot(os.path.join(outdir, "explorer-1-view.png"))

    # Drag a zoom rectangle over the upper right quarter.
    stage = browser.find_element("id", "stage")
    before = browser.execute_script(status)
    ActionChains(browser).move_to_element_with_offset(stage, 20, -200).click_and_hold() \
        .move_by_offset(150, 150).release().perform()
    st = wait(lambda: (s := browser.execute_script(status)) and s["gen"] > before["gen"] and
              s["done"] == s["total"] and s, VIEW_WAIT, "the zoomed view completes")
    if st:
        check("x=b" in st["x"] and st["x"] != before["x"],
              f"the address holds the new view: {st['x'][:120]}")
        check(st["done"] == 16, "new tiles arrived and drew")
    browser.save_screenshot(os.path.join(outdir, "explorer-2-zoomed.png"))

    # Shift+drag pans: the x range moves, its width stays.
    from selenium.webdriver.common.keys import Keys
    zoomed = browser.execute_script(status)
    ActionChains(browser).key_down(Keys.SHIFT).move_to_element_with_offset(stage, 0, 0) \
        .click_and_hold().move_by_offset(-100, 0).release().key_up(Keys.SHIFT).perform()
    st = wait(lambda: (s := browser.execute_script(status)) and s["gen"] > zoomed["gen"] and
              s["done"] == s["total"] and s, VIEW_WAIT, "the panned view completes")
    if st:
        check("x=b" in st["x"] and st["x"] != zoomed["x"],
              f"shift+drag pans to a new view: {zoomed['x'][40:100]} -> {st['x'][40:100]}")
    # The wheel zooms out about the pointer.
    from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
    panned = browser.execute_script(status)
    ActionChains(browser).scroll_from_origin(ScrollOrigin.from_element(stage), 0, 300).perform()
    st = wait(lambda: (s := browser.execute_script(status)) and s["gen"] > panned["gen"] and
              s["done"] == s["total"] and s, VIEW_WAIT, "the wheel's view completes")
    if st:
        check(st["x"] != panned["x"], "the wheel zooms")
    browser.back()
    browser.back()

    # Back: the first view again.
    browser.back()
    st = wait(lambda: (s := browser.execute_script(status)) and s["x"] == before["x"] and
              s["done"] == s["total"] and s, VIEW_WAIT, "back restores the first view")
    if st:
        check(True, "back restores the first view")

    # Click a cell: its trace.
    ActionChains(browser).move_to_element_with_offset(stage, 60, -60).click().perform()
    ready = wait(lambda: browser.find_element("id", "trace").get_attribute("data-ready"), 30,
                 "a click shows the cell's trace")
    if ready:
        cell = browser.find_element("id", "cell").text
        check("outcome" in cell and "t_enter" in cell, "the cell's fields are listed")
        drawn = browser.execute_script(
            "const d = document.getElementById('trace-fn').getContext('2d')"
            ".getImageData(0, 0, 360, 220).data; let n = 0;"
            "for (let i = 3; i < d.length; i += 4) n += d[i] > 0; return n;")
        check(drawn > 500, f"the learned function is plotted ({drawn} pixels)")
    browser.save_screenshot(os.path.join(outdir, "explorer-3-trace.png"))
    errors = browser.find_element("id", "error").text
    check(errors == "", f"no error shown ({errors!r})")

    # Exports: the canonical command, and the map file through the CLI's writer.
    browser.find_element("id", "export-cmd").click()
    cmd = wait(lambda: browser.find_element("id", "command").text, 10, "the command appears")
    check(bool(cmd) and cmd.startswith("gridsweep --act relu --x b:-2:2 --y d:-2:2"),
          f"the canonical command: {cmd[:60]!r}")
    head = browser.execute_async_script(
        "const done = arguments[0]; fetch(document.getElementById('export-map').href)"
        ".then(r => r.text()).then(t => done(t.split('\\n').slice(0, 4)));")
    check(head[0] == "# gridsweep-map 1" and "--res 128,128" in head[3],
          f"the map export is the view's map file: {head[3][:60]!r}")

    # Settings: a bad value shows the CLI's line; a good one makes a new view.
    steps = browser.find_element("css selector", "#fields input[name=steps]")
    steps.clear()
    steps.send_keys("0")
    browser.find_element("css selector", "#settings button[type=submit]").click()
    err = wait(lambda: browser.find_element("id", "error").text, 10, "a bad setting is shown")
    check(err == "gridsweep: --steps must be between 1 and 10000000, got 0",
          f"a bad setting shows the CLI's line: {err!r}")
    steps = browser.find_element("css selector", "#fields input[name=steps]")
    steps.clear()
    steps.send_keys("300")
    browser.find_element("css selector", "#settings button[type=submit]").click()
    st = wait(lambda: (s := browser.execute_script(status)) and "steps=300" in s["x"] and
              s["done"] == s["total"] and s, VIEW_WAIT, "the new settings' view completes")
    if st:
        check(True, "applying settings draws a new view")
    browser.save_screenshot(os.path.join(outdir, "explorer-4-settings.png"))
finally:
    browser.quit()
    server.send_signal(signal.SIGINT)
    server.wait(timeout=10)
    shutil.rmtree(cache, ignore_errors=True)

print(f"screenshots in {outdir}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
