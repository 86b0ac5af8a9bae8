// The local executions console: lists from /_console/api, graphs laid out by cytoscape + dagre.
"use strict";

const API = "/_console/api";
const REFRESH_MS = 2000;
// The graph legend's colours (console.css holds the same ones for the tables).
const COLOURS = {
  succeeded: "#2e8540", failed: "#d13212", caught: "#ec7211", running: "#0073bb",
  cancelled: "#879596", "not-reached": "#ffffff",
};
const JOB_ID = "[A-Za-z0-9_-]{1,80}";

const view = { jobsArn: null, machineArn: null, page: null, pageUrl: null, cy: null, graphOf: null, selected: null };
window.stepgateConsole = view; // the browser test reads the drawn graph through this

const $ = (selector) => document.querySelector(selector);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

async function fetchJson(url) {
  const response = await fetch(url, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || `${response.status} ${url}`);
  return body;
}

function pretty(text) {
  if (text === null || text === undefined) return "";
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return String(text); }
}

function foldable(text) {
  // a cause can hold a whole stack trace: its first line, the rest on demand
  const shown = pretty(text);
  return shown.length <= 160 ? shown
    : element("details", {}, element("summary", {}, shown.slice(0, 160) + "…"), element("pre", {}, shown));
}

function when(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) + "." + iso.slice(20, 23) : "";
}

function executionLink(execution) {
  const path = execution.arn.includes(":execution:" + view.jobsName + ":")
    ? `/_console/jobs/${execution.name}` : `/_console/executions/${encodeURIComponent(execution.arn)}`;
  return element("a", { href: path, "data-route": "" }, execution.name);
}

function showMessage(text) {
  $("#message").hidden = !text;
  $("#message").textContent = text || "";
}

// --- lists ---

async function loadMachines() {
  const { stateMachines, jobsStateMachineArn } = await fetchJson(`${API}/state-machines`);
  view.jobsArn = jobsStateMachineArn;
  view.jobsName = jobsStateMachineArn.split(":").pop();
  view.machineTypes = Object.fromEntries(stateMachines.map((machine) => [machine.arn, machine.type]));
  view.machineArn = view.machineArn || jobsStateMachineArn;
  const list = $("#machines");
  list.replaceChildren(...stateMachines.map((machine) => {
    const link = element("a", { href: "#", "data-arn": machine.arn,
      class: machine.arn === view.machineArn ? "selected" : null }, machine.name, " ", element("small", {}, machine.type));
    link.addEventListener("click", (event) => {
      event.preventDefault();
      view.machineArn = machine.arn;
      loadMachines().then(loadExecutions);
    });
    return element("li", {}, link);
  }));
}

async function loadExecutions() {
  const status = $("#status-filter").value;
  const query = new URLSearchParams({ stateMachineArn: view.machineArn, limit: "100" });
  if (status) query.set("status", status);
  $("#executions-of").textContent = `of ${view.machineArn.split(":").pop()}`;
  if (view.machineTypes[view.machineArn] === "EXPRESS") {
    // ListExecutions "is not supported by EXPRESS state machines" (API reference): AWS keeps no history of them
    $("#executions tbody").replaceChildren(element("tr", { id: "express-note" }, element("td", { colspan: 4 },
      "Express workflows keep no execution history in Step Functions (on AWS: CloudWatch Logs). " +
      "Locally, make run prints their transitions as localcloud.sfn admission=<requestId> lines.")));
    return;
  }
  const { executions } = await fetchJson(`${API}/executions?${query}`);
  $("#executions tbody").replaceChildren(...executions.map((execution) => element("tr",
    { "data-name": execution.name, "data-status": execution.status },
    element("td", { title: execution.name }, executionLink(execution)),
    element("td", {}, element("span", { class: `badge ${execution.status}` }, execution.status)),
    element("td", {}, when(execution.startDate)), element("td", {}, when(execution.stopDate)))));
}

// --- one execution ---

function route() {
  const job = location.pathname.match(new RegExp(`^/_console/(?:[^/]+/)?jobs/(${JOB_ID})$`));
  if (job) return `${API}/jobs/${job[1]}`;
  const execution = location.pathname.match(/^\/_console\/executions\/(.+)$/);
  if (execution) return `${API}/execution?arn=${encodeURIComponent(decodeURIComponent(execution[1]))}`;
  return null;
}

async function loadExecution() {
  const url = route();
  if (!url) {
    $("#execution").hidden = true;
    view.page = null;
    return;
  }
  try {
    const page = await fetchJson(url);
    showMessage("");
    renderExecution(page, url !== view.pageUrl);
    view.pageUrl = url;
  } catch (error) {
    $("#execution").hidden = true;
    view.page = null;
    showMessage(error.message);
  }
}

function renderExecution(page, isNew) {
  view.page = page;
  const { execution } = page;
  $("#execution").hidden = false;
  $("#execution-name").textContent = execution.name;
  const rows = [
    ["Status", element("span", { class: `badge ${execution.status}`, id: "execution-status" }, execution.status)],
    ["State machine", execution.stateMachineArn.split(":").pop()],
    ["Execution ARN", execution.arn],
    ["Started", execution.startDate], ["Ended", execution.stopDate || "-"],
    ["State transitions", execution.stateTransitions],
  ];
  if (execution.error) rows.push(["Error", execution.error], ["Cause", foldable(execution.cause)]);
  $("#summary").replaceChildren(...rows.flatMap(([name, value]) => [element("dt", {}, name), element("dd", {}, value)]));
  if (isNew && execution.stateMachineArn !== view.machineArn && view.machineTypes[execution.stateMachineArn]) {
    view.machineArn = execution.stateMachineArn; // list the executions of the machine this one belongs to
    loadMachines().then(loadExecutions);
  }
  renderGraph(page, isNew);
  renderStates(page);
  renderEvents(page);
  renderJob(page.job);
  $("#execution-input").textContent = pretty(execution.input);
  $("#execution-output").textContent = pretty(execution.output || execution.cause);
  if (view.selected) showStep(view.selected);
  document.body.dataset.execution = execution.name;
  document.body.dataset.status = execution.status;
}

function nodeLabel(node, outcome) {
  return outcome && outcome.retries ? `${node.label}  ↻${outcome.retries}` : node.label;
}

function renderGraph(page, isNew) {
  const outcomes = page.states;
  const machine = page.execution.stateMachineArn;
  if (view.cy && view.graphOf === machine && !isNew) {
    view.cy.nodes().forEach((node) => {
      const outcome = outcomes[node.id()];
      if (outcome) node.data({ status: outcome.status, retries: outcome.retries, label: nodeLabel(node.data("base"), outcome) });
    });
    return;
  }
  if (view.cy) view.cy.destroy();
  const elements = [
    ...page.graph.nodes.map((node) => ({ group: "nodes", data: {
      id: node.id, parent: node.parent || undefined, type: node.type, base: node,
      label: nodeLabel(node, outcomes[node.id]),
      status: outcomes[node.id] ? outcomes[node.id].status : node.type,
      retries: outcomes[node.id] ? outcomes[node.id].retries : 0,
    } })),
    ...page.graph.edges.map((edge) => ({ group: "edges", data: { ...edge } })),
  ];
  view.cy = cytoscape({
    container: $("#graph"), elements, wheelSensitivity: 0.3,
    style: graphStyle(), layout: { name: "dagre", rankDir: "TB", nodeSep: 28, rankSep: 34, edgeSep: 10, padding: 12 },
  });
  view.graphOf = machine;
  view.cy.on("tap", "node", (event) => showStep(event.target.id()));
}

function graphStyle() {
  const byStatus = Object.entries(COLOURS).map(([status, colour]) => ({
    selector: `node[status = "${status}"]`,
    style: { "background-color": colour, color: status === "not-reached" ? "#16191f" : "#ffffff" },
  }));
  return [
    { selector: "node", style: {
      shape: "round-rectangle", label: "data(label)", "text-valign": "center", "text-halign": "center",
      "font-size": 12, width: (node) => Math.max(70, node.data("label").length * 7.2 + 24), height: 30,
      "background-color": "#ffffff", "border-width": 1, "border-color": "#879596", color: "#16191f",
    } },
    ...byStatus,
    { selector: "node[retries > 0]", style: { "border-width": 3, "border-style": "dashed", "border-color": COLOURS.failed } },
    { selector: 'node[type = "Start"], node[type = "End"]', style: {
      shape: "ellipse", width: 54, height: 26, "background-color": "#545b64", color: "#ffffff", "font-size": 11 } },
    { selector: 'node[type = "Container"]', style: {
      "background-opacity": 0.04, "border-style": "dashed", label: "", padding: 12 } },
    { selector: "node:selected", style: { "overlay-opacity": 0, "border-width": 3, "border-color": "#0073bb" } },
    { selector: "edge", style: {
      "curve-style": "bezier", "target-arrow-shape": "triangle", width: 1.5, "line-color": "#879596",
      "target-arrow-color": "#879596", label: "data(label)", "font-size": 9, color: "#545b64",
      "text-background-color": "#fafafa", "text-background-opacity": 1, "text-rotation": "autorotate",
    } },
    // Catchers are dashed and unlabelled, as in the console's graph; their errors show when one is selected.
    { selector: 'edge[kind = "catch"]', style: {
      "line-style": "dashed", "line-color": COLOURS.caught, "target-arrow-color": COLOURS.caught, label: "" } },
    { selector: 'edge[kind = "catch"]:selected', style: { label: "data(label)" } },
  ];
}

function renderStates(page) {
  const types = Object.fromEntries(page.graph.nodes.map((node) => [node.id, node.type]));
  $("#states tbody").replaceChildren(...Object.entries(page.states).map(([name, outcome]) => {
    const row = element("tr", { "data-state": name, "data-status": outcome.status, class: name === view.selected ? "selected" : null },
      element("td", {}, name), element("td", {}, types[name]),
      element("td", {}, element("span", { class: `badge ${outcome.status}` }, outcome.status)),
      element("td", {}, outcome.retries || ""), element("td", {}, when(outcome.enteredAt)),
      element("td", {}, when(outcome.exitedAt)), element("td", {}, outcome.error || ""));
    row.addEventListener("click", () => showStep(name));
    return row;
  }));
}

function renderEvents(page) {
  const stepOf = {};
  for (const [name, outcome] of Object.entries(page.states)) for (const id of outcome.eventIds || []) stepOf[id] = name;
  $("#events tbody").replaceChildren(...page.events.map((event) => {
    const details = Object.entries(event).find(([key]) => key.endsWith("EventDetails"));
    const failure = /Failed$|TimedOut$|Aborted$/.test(event.type);
    return element("tr", { "data-event-id": event.id, "data-type": event.type, class: failure ? "failure" : null },
      element("td", {}, event.id), element("td", {}, event.type), element("td", {}, stepOf[event.id] || ""),
      element("td", {}, when(event.timestamp)),
      element("td", {}, details ? element("details", {}, element("summary", {}, details[0]),
        element("pre", {}, pretty(JSON.stringify(expandJson(details[1]))))) : ""));
  }));
}

function expandJson(details) {
  // input/output/cause are JSON inside JSON: shown parsed, as the console's event view does
  return Object.fromEntries(Object.entries(details).map(([key, value]) => {
    if (typeof value !== "string") return [key, value];
    try { return [key, JSON.parse(value)]; } catch { return [key, value]; }
  }));
}

function renderJob(job) {
  const present = Boolean(job);
  for (const id of ["logs-tab", "status-tab"]) $(`#tabs [data-tab="${id}"]`).hidden = !present;
  if (!present) return;
  $("#logs-file").textContent = job.logs.file + (job.logs.truncated ? " (last 256 KiB)" : "");
  $("#logs").textContent = job.logs.text || "(no Lambda invocation logged for this job yet)";
  const document_ = job.statusDocument;
  if (document_.error) {
    $("#status-request").textContent = document_.error;
    $("#status-document").textContent = "";
    return;
  }
  $("#status-request").textContent = `${document_.request} → ${document_.httpStatus}`;
  const headers = Object.entries(document_.headers).map(([name, value]) => `${name}: ${value}`).join("\n");
  $("#status-document").textContent = `HTTP ${document_.httpStatus}\n${headers}\n\n${pretty(document_.body)}`;
}

function showStep(name) {
  const outcome = view.page && view.page.states[name];
  if (!outcome) return;
  view.selected = name;
  $("#step-name").textContent = name;
  const rows = [["Status", element("span", { class: `badge ${outcome.status}` }, outcome.status)],
    ["Retries", outcome.retries], ["Visits", outcome.visits],
    ["Entered", outcome.enteredAt || "-"], ["Exited", outcome.exitedAt || "-"]];
  if (outcome.error) rows.push(["Error", outcome.error], ["Cause", foldable(outcome.cause)]);
  $("#step-summary").replaceChildren(...rows.flatMap(([label, value]) => [element("dt", {}, label), element("dd", {}, value)]));
  $("#step-input").textContent = pretty(outcome.input);
  $("#step-output").textContent = pretty(outcome.output);
  for (const row of document.querySelectorAll("#states tbody tr")) row.classList.toggle("selected", row.dataset.state === name);
  if (view.cy) { view.cy.nodes().unselect(); view.cy.getElementById(name).select(); }
}

// --- navigation and live refresh ---

function jobIdIn(text) {
  const patterns = [new RegExp(`/jobs/(${JOB_ID})`), new RegExp(`job=(${JOB_ID})`),
    new RegExp(`logs/(${JOB_ID})\\.log`), new RegExp(`^\\s*(${JOB_ID})\\s*$`)];
  for (const pattern of patterns) {
    const found = text.match(pattern);
    if (found) return found[1];
  }
  return null;
}

function navigate(path) {
  history.pushState({}, "", path);
  view.selected = null;
  loadExecution();
}

async function refresh() {
  try {
    await loadExecutions();
    if (view.page && view.page.execution.status === "RUNNING") await loadExecution();
    $("#live").textContent = `live · updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
    $("#live").classList.remove("stale");
  } catch (error) {
    $("#live").textContent = `not updating: ${error.message}`;
    $("#live").classList.add("stale");
  }
}

function wire() {
  $("#goto").addEventListener("submit", (event) => {
    event.preventDefault();
    const jobId = jobIdIn($("#goto-input").value);
    if (jobId) navigate(`/_console/jobs/${jobId}`);
    else showMessage("No job id found: paste a job id, a status URL (…/jobs/<jobId>) or a log line (job=<jobId>).");
  });
  document.body.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-route]");
    if (!link) return;
    event.preventDefault();
    navigate(link.getAttribute("href"));
  });
  $("#status-filter").addEventListener("change", loadExecutions);
  for (const button of document.querySelectorAll("#tabs button")) {
    button.addEventListener("click", () => {
      for (const other of document.querySelectorAll("#tabs button")) other.classList.toggle("active", other === button);
      for (const tab of document.querySelectorAll(".tab")) tab.hidden = tab.id !== button.dataset.tab;
      if (button.dataset.tab === "graph-tab" && view.cy) { view.cy.resize(); view.cy.fit(undefined, 20); }
    });
  }
  window.addEventListener("popstate", loadExecution);
}

async function start() {
  wire();
  try {
    await loadMachines();
    await Promise.all([loadExecutions(), loadExecution()]);
  } catch (error) {
    showMessage(error.message);
  }
  setInterval(refresh, REFRESH_MS);
}

if (window.cytoscapeDagre && window.cytoscape) cytoscape.use(cytoscapeDagre);
start();
