// A gateway's page: status (with progress while it changes), how to connect, and its targets with their
// statuses, reasons, import reports and a synchronise button.

import { api } from "../api.js";
import { confirmButton, h, isBusy, mount, showError, statusBadge, table } from "../dom.js";
import { go } from "../main.js";
import { poll } from "../poll.js";
import { connectionOf, connectionSection } from "./connection.js";

export async function gatewayPage(signal, gatewayId) {
  const errors = h("div");
  const head = h("div", { class: "title-row" }, h("h1", {}, "Gateway"));
  const summary = h("div", { class: "summary" });
  const connection = h("div");
  const targets = h("section", { class: "card", "aria-labelledby": "targets-title" });
  const report = h("div", { id: "report" });
  mount(h("p", { class: "crumbs" }, h("a", { href: "#/gateways" }, "Gateways"), " / ", gatewayId), head, errors, summary, connection, targets, report);

  let gateway = null;
  const refreshConnection = async () => {
    const conn = await connectionOf(gateway);
    connection.replaceChildren(connectionSection(gateway, conn, refreshConnection));
  };
  const loadGateway = async () => {
    gateway = await api.getGateway(gatewayId);
    renderHead(head, gateway, errors);
    renderSummary(summary, gateway);
    return gateway;
  };
  try {
    await loadGateway();
    await refreshConnection();
  } catch (error) {
    showError(errors, error);
    return;
  }
  const state = { snapshot: "", running: false, again: false };
  const watch = async () => {
    if (state.running) {
      state.again = true; // looked at again once the current round ends
      return;
    }
    state.running = true;
    do {
      state.again = false;
      await poll(signal, step);
    } while (state.again && !signal.aborted);
    state.running = false;
  };
  const step = async () => {
    try {
      const current = isBusy(gateway.status) ? await loadGateway() : gateway;
      const items = await loadTargets(gatewayId);
      // Re-render only what changed, so that focus and half-clicked buttons survive the polling.
      const snapshot = JSON.stringify(items);
      if (snapshot !== state.snapshot) {
        state.snapshot = snapshot;
        renderTargets(targets, gateway, items, report, errors);
      }
      return !isBusy(current.status) && !items.some((t) => isBusy(t.status));
    } catch (error) {
      showError(errors, error);
      return true;
    }
  };
  // Actions (synchronise, delete) start the polling again.
  targets.addEventListener("changed", watch);
  await watch();
}

function renderHead(head, gateway, errors) {
  const remove = confirmButton("Delete gateway", async () => {
    try {
      await api.deleteGateway(gateway.gatewayId);
      const client = gateway.authorizerConfiguration?.customJWTAuthorizer?.allowedClients?.[0];
      go("/gateways", `Gateway ${gateway.name} is being deleted.${client ? ` Its OAuth client ${client} was kept.` : ""}`);
    } catch (error) {
      showError(errors, error);
    }
  });
  head.replaceChildren(
    h("h1", { tabindex: "-1" }, gateway.name, " ", statusBadge(gateway.status)),
    h(
      "div",
      { class: "row" },
      h("a", { class: "button primary", href: `#/gateways/${encodeURIComponent(gateway.gatewayId)}/try`, id: "try-it" }, "Try it"),
      h("a", { class: "button", href: `#/gateways/${encodeURIComponent(gateway.gatewayId)}/targets/new`, id: "add-target" }, "Add target"),
      remove,
    ),
  );
}

function renderSummary(summary, gateway) {
  const items = [
    ["ID", h("code", {}, gateway.gatewayId)],
    ["Inbound auth", gateway.authorizerType],
    ["Exception level", gateway.exceptionLevel || "masked"],
    ["Search", gateway.protocolConfiguration?.mcp?.searchType || "none"],
  ];
  if (gateway.description) items.unshift(["Description", gateway.description]);
  summary.replaceChildren(
    h("dl", { class: "facts" }, items.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    gateway.statusReasons?.length ? h("ul", { class: "reasons" }, gateway.statusReasons.map((r) => h("li", {}, r))) : "",
  );
}

async function loadTargets(gatewayId) {
  const summaries = await api.listTargets(gatewayId);
  return Promise.all(
    summaries.map(async (s) => ({ ...s, ...(await api.getTarget(gatewayId, s.targetId)), targetType: s.targetType })),
  );
}

function renderTargets(section, gateway, items, report, errors) {
  const id = encodeURIComponent(gateway.gatewayId);
  const rows = items.map((t) => [
    h("a", { href: `#/gateways/${id}/targets/${encodeURIComponent(t.targetId)}` }, t.name),
    t.targetType || "",
    statusBadge(t.status),
    t.statusReasons?.length ? h("ul", { class: "reasons" }, t.statusReasons.map((r) => h("li", {}, r))) : "",
    t.lastSynchronizedAt ? new Date(t.lastSynchronizedAt).toLocaleString() : "",
    h(
      "div",
      { class: "row" },
      h("button", { type: "button", disabled: isBusy(t.status), onclick: () => synchronise(gateway, t, section, errors) }, "Synchronise"),
      ["OPEN_API_SCHEMA", "API_GATEWAY"].includes(t.targetType)
        ? h("button", { type: "button", onclick: () => showReport(gateway, t, report, errors) }, "Import report")
        : "",
      confirmButton("Delete", async () => {
        try {
          await api.deleteTarget(gateway.gatewayId, t.targetId);
          section.dispatchEvent(new Event("changed"));
        } catch (error) {
          showError(errors, error);
        }
      }),
    ),
  ]);
  section.replaceChildren(
    h("div", { class: "title-row" }, h("h2", { id: "targets-title" }, "Targets"), h("a", { class: "button", href: `#/gateways/${id}/targets/new` }, "Add target")),
    items.length
      ? table(["Name", "Type", "Status", "Reasons", "Last synchronised", "Actions"], rows, { id: "targets" })
      : h("p", { class: "empty" }, "No targets yet: add one to give this gateway tools."),
  );
}

async function synchronise(gateway, target, section, errors) {
  try {
    await api.synchronize(gateway.gatewayId, [target.targetId]);
    section.dispatchEvent(new Event("changed"));
  } catch (error) {
    showError(errors, error);
  }
}

async function showReport(gateway, target, slot, errors) {
  try {
    const { report } = await api.importReport(gateway.gatewayId, target.targetId);
    slot.replaceChildren(reportView(`Import report: ${target.name}`, report));
    slot.scrollIntoView({ block: "start" });
  } catch (error) {
    showError(errors, error);
  }
}

/** The OpenAPI import report (summary, reasons, one row per operation). */
export function reportView(title, report) {
  const rows = (report.operations || []).map((op) => [
    h("code", {}, op.operation),
    h("span", { class: `op-${op.status}` }, op.status),
    op.tool ? h("code", {}, op.tool) : "",
    (op.reasons || []).join("; "),
  ]);
  return h(
    "section",
    { class: "card report", "aria-label": title },
    h("h2", {}, title),
    h("p", { class: "summary-line" }, report.summary || ""),
    rows.length ? table(["Operation", "Status", "Tool", "Reasons"], rows) : "",
  );
}
