"""The executions console in a real browser: Debian's headless Chromium, driven by Selenium through chromedriver.

Real jobs go through the API; the console must show each state's outcome in the graph (cytoscape's own
node styles) and in the table, the history, the job's Lambda logs and its status document, and follow a
running job live. Screenshots go to the test's tmp dir (and to $STEPGATE_CONSOLE_SCREENSHOT when set:
`docs/console.png` is made that way).
"""

import json
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from localcloud.console.app import VENDOR
from localcloud.provisioning import PROJECT_ROOT

pytestmark = pytest.mark.local_only("the console is served by the local cloud")

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
# Without these, Chromium on a closed network stalls on its own background services (PITFALLS.md).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1600,1400"]
# console.css / console.js: the graph legend's colours, as the browser reports them.
RGB = {"succeeded": "rgb(46, 133, 64)", "failed": "rgb(209, 50, 18)", "caught": "rgb(236, 114, 17)",
       "running": "rgb(0, 115, 187)", "not-reached": "rgb(255, 255, 255)"}
WAIT_S = 60


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("Debian's chromium and chromium-driver are not installed and could not be: make test installs them "
                    "(apt-get install -y --no-install-recommends chromium chromium-driver)")
    _ensure_console_libraries()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for drivers online
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(WAIT_S)
    yield driver
    driver.quit()


def _ensure_console_libraries() -> None:
    """cytoscape and cytoscape-dagre come from npm (package-lock.json): install them as make test does."""
    if all((PROJECT_ROOT / path).is_file() for path in VENDOR.values()):
        return
    npm = shutil.which("npm")
    assert npm, "npm is needed to install the console's pinned libraries (package-lock.json)"
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PROJECT_ROOT, check=True, timeout=600)


def _origin(cloud) -> str:
    return cloud.base_url.rsplit("/", 1)[0]


def _search(cloud, pickup="2030-06-01T10:00:00Z", dropoff="2030-06-03T10:00:00Z") -> str:
    accepted = cloud.submit("/searches", {"location": "JFK", "pickupAt": pickup, "dropoffAt": dropoff})
    assert accepted.status_code == 202, accepted.text
    return accepted.json()["jobId"]


def _until(condition, what: str, timeout: float = WAIT_S):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not seen in {timeout} s")
        time.sleep(0.2)


def _shown(driver, job_id: str, status: str) -> bool:
    body = driver.find_element("tag name", "body")
    return body.get_attribute("data-execution") == job_id and body.get_attribute("data-status") == status


def _graph_colour(driver, state: str) -> str:
    colour = driver.execute_script("return stepgateConsole.cy.getElementById(arguments[0]).style('background-color')", state)
    return colour.replace(",", ", ")  # cytoscape writes rgb(46,133,64)


def _table_row(driver, state: str):
    return driver.find_element("css selector", f'#states tr[data-state="{state}"]')


def _open_tab(driver, tab: str) -> None:
    driver.find_element("css selector", f'#tabs button[data-tab="{tab}"]').click()


def _check_state(driver, state: str, outcome: str) -> None:
    assert _graph_colour(driver, state) == RGB[outcome], state
    row = _table_row(driver, state)
    assert row.get_attribute("data-status") == outcome, state
    badge = row.find_element("css selector", "td:nth-child(3) span")
    assert badge.value_of_css_property("background-color").replace("rgba", "rgb").replace(", 1)", ")") == RGB[outcome]


def test_a_finished_job_is_drawn_with_its_outcomes_history_logs_and_status(cloud, browser, tmp_path):
    # Given a search that succeeds and one that the workflow rejects (drop-off before pick-up: ValidateJob fails, caught)
    succeeded = _search(cloud)
    rejected = _search(cloud, pickup="2030-06-03T10:00:00Z", dropoff="2030-06-01T10:00:00Z")
    cloud.poll(f"/jobs/{succeeded}")
    cloud.poll(f"/jobs/{rejected}")

    # When the console opens the successful job by its id
    browser.get(f"{_origin(cloud)}/_console/jobs/{succeeded}")
    _until(lambda: _shown(browser, succeeded, "SUCCEEDED"), f"job {succeeded} SUCCEEDED in the console")

    # Then the path it took is green, the other kinds' states are white (not reached)
    for state in ["ValidateJob", "AnnounceWorking", "RouteByKind", "SearchOffers", "SaveOffers", "StartDelivery"]:
        _check_state(browser, state, "succeeded")
    for state in ["DetectLabels", "CreateUser", "RecordFailure", "JobFailed"]:
        _check_state(browser, state, "not-reached")
    browser.save_screenshot(str(tmp_path / "console-succeeded.png"))

    # A state's input and output, chosen in the table
    _open_tab(browser, "states-tab")
    _table_row(browser, "SearchOffers").click()
    _open_tab(browser, "graph-tab")
    assert '"offerCount"' in browser.find_element("id", "step-output").text

    # The history, event for event
    history = cloud.aws("stepfunctions").get_execution_history(
        executionArn=_execution_arn(cloud, succeeded), maxResults=1000)["events"]
    _open_tab(browser, "events-tab")
    rows = browser.find_elements("css selector", "#events tbody tr")
    assert [row.get_attribute("data-type") for row in rows] == [event["type"] for event in history]

    # The job's Lambda logs and its status document, as GET /jobs/{jobId} answers it
    _open_tab(browser, "logs-tab")
    logs = browser.find_element("id", "logs").text
    assert "ValidateJob" in logs and "SearchWorker" in logs
    _open_tab(browser, "status-tab")
    status = browser.find_element("id", "status-document").text
    assert status.startswith("HTTP 303") and f"/searches/{succeeded}/offers" in status

    # When the rejected job is opened from its status URL pasted into the console
    _open_tab(browser, "graph-tab")
    box = browser.find_element("id", "goto-input")
    box.send_keys(f"{cloud.base_url}/jobs/{rejected}\n")
    _until(lambda: _shown(browser, rejected, "FAILED"), f"job {rejected} FAILED in the console")

    # Then the caught error is orange, the Fail state red, the states after the error not reached
    assert browser.current_url.endswith(f"/_console/jobs/{rejected}")
    _check_state(browser, "ValidateJob", "caught")
    _check_state(browser, "JobFailed", "failed")
    _check_state(browser, "NoteFailureTime", "succeeded")
    for state in ["RouteByKind", "SearchOffers", "SaveOffers"]:
        _check_state(browser, state, "not-reached")
    assert "ValidationError" in browser.find_element("id", "summary").text
    _open_tab(browser, "states-tab")
    _table_row(browser, "ValidateJob").click()
    _open_tab(browser, "graph-tab")
    assert "dropoffAt" in browser.find_element("id", "step-summary").text
    browser.save_screenshot(str(tmp_path / "console-failed.png"))
    assert (tmp_path / "console-failed.png").stat().st_size > 10_000
    if os.environ.get("STEPGATE_CONSOLE_SCREENSHOT"):  # the README's picture
        Path(os.environ["STEPGATE_CONSOLE_SCREENSHOT"]).write_bytes(browser.get_screenshot_as_png())

    # A log line from make run's output leads to its job too, and so does a status URL with /_console in front
    box = browser.find_element("id", "goto-input")
    box.clear()
    box.send_keys(f"08:14:44 localcloud lambda=validate_job job={succeeded} outcome=ok ms=12\n")
    _until(lambda: _shown(browser, succeeded, "SUCCEEDED"), "the job named in a log line")
    stage = cloud.base_url.rsplit("/", 1)[1]
    browser.get(f"{_origin(cloud)}/_console/{stage}/jobs/{rejected}")
    _until(lambda: _shown(browser, rejected, "FAILED"), "the job at /_console/<stage>/jobs/<jobId>")


def test_executions_are_listed_newest_first_filtered_and_followed_live(cloud, browser):
    # Given the console's list of FAILED executions
    browser.get(f"{_origin(cloud)}/_console")
    _until(lambda: _listed(browser), "the executions list")
    from selenium.webdriver.support.select import Select
    Select(browser.find_element("id", "status-filter")).select_by_visible_text("FAILED")
    _until(lambda: {status for _, status in _listed(browser)} == {"FAILED"}, "only FAILED executions listed")

    # When a job is rejected and another one runs, without reloading the page
    rejected = _search(cloud, pickup="2030-06-03T10:00:00Z", dropoff="2030-06-01T10:00:00Z")
    _until(lambda: _first_listed(browser) == rejected, f"job {rejected} listed first")
    Select(browser.find_element("id", "status-filter")).select_by_visible_text("All")
    running = _search(cloud)
    _until(lambda: _first_listed(browser) == running, f"job {running} listed first")

    # Then its page follows it until it ends
    # (one script: the list is redrawn every two seconds, a found element may be gone by the time it is clicked)
    browser.execute_script("document.querySelector(`#executions tr[data-name='${arguments[0]}'] a`).click()", running)
    _until(lambda: _shown(browser, running, "SUCCEEDED"), f"job {running} followed to SUCCEEDED")
    _check_state(browser, "SaveOffers", "succeeded")

    # The EXPRESS admission machine: AWS keeps no execution history of it, and the console says so
    browser.execute_script("[...document.querySelectorAll('#machines a')].find(a => a.textContent.includes('Admission')).click()")
    note = _until(lambda: browser.find_elements("id", "express-note"), "the note on express executions")
    assert "no execution history" in note[0].text


# Our own ASL has no Parallel or Map: a machine made for this test has both, nested as the console nests them.
NESTED = {
    "StartAt": "Both",
    "States": {
        "Both": {"Type": "Parallel", "Next": "EachItem", "ResultPath": None, "Branches": [
            {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}},
            {"StartAt": "Right", "States": {"Right": {"Type": "Pass", "End": True}}}]},
        "EachItem": {"Type": "Map", "ItemsPath": "$.items", "Next": "Done", "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Double", "States": {"Double": {"Type": "Pass", "End": True}}}},
        "Done": {"Type": "Succeed"},
    },
}


def test_parallel_branches_and_map_iterations_are_drawn_inside_their_states(cloud, browser, tmp_path):
    # Given a machine with a Parallel and a Map, and one execution of it over three items
    sfn = cloud.aws("stepfunctions")
    machine = sfn.create_state_machine(name=f"console-nested-{uuid.uuid4().hex[:8]}", definition=json.dumps(NESTED),
                                       roleArn="arn:aws:iam::123456789012:role/console-test")["stateMachineArn"]
    try:
        execution = sfn.start_execution(stateMachineArn=machine, name="nested", input='{"items": [1, 2, 3]}')["executionArn"]
        _until(lambda: sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED", "the nested execution")

        # When the console opens it
        browser.get(f"{_origin(cloud)}/_console/executions/{quote(execution, safe='')}")
        _until(lambda: _shown(browser, "nested", "SUCCEEDED"), "the nested execution in the console")

        # Then every state, nested ones included, is green, and each nested state is drawn inside its container
        for state in ["Both", "Left", "Right", "EachItem", "Double", "Done"]:
            _check_state(browser, state, "succeeded")
        inside = browser.execute_script("""
            const cy = stepgateConsole.cy, within = (inner, outer) =>
              inner.x1 >= outer.x1 && inner.x2 <= outer.x2 && inner.y1 >= outer.y1 && inner.y2 <= outer.y2;
            return ['Left', 'Right', 'Double'].map(id => {
              const node = cy.getElementById(id);
              return [id, node.parent().id(), within(node.boundingBox(), node.parent().boundingBox())];
            });""")
        assert inside == [["Left", "Both#branch0", True], ["Right", "Both#branch1", True], ["Double", "EachItem#items", True]]
        assert browser.execute_script("return stepgateConsole.page.states.Double.visits") == 3
        browser.save_screenshot(str(tmp_path / "console-nested.png"))
    finally:
        sfn.delete_state_machine(stateMachineArn=machine)


def _listed(driver) -> list[list[str]]:
    """[name, status] per listed execution, read in one script: the list is redrawn while we read."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#executions tbody tr')].map(r => [r.dataset.name, r.dataset.status])")


def _first_listed(driver) -> str | None:
    listed = _listed(driver)
    return listed[0][0] if listed else None


def _execution_arn(cloud, job_id: str) -> str:
    machines = cloud.aws("stepfunctions").list_state_machines()["stateMachines"]
    jobs = next(m["stateMachineArn"] for m in machines if "Jobs" in m["name"])
    return jobs.replace(":stateMachine:", ":execution:") + f":{job_id}"
