// API Gateway target: choose a REST API and a stage of the configured AWS endpoint, see every method grouped
// by path, tick the ones to expose, and name those without an operation name (the form will not submit
// until they are named). Builds targetConfiguration.mcp.apiGateway (toolFilters + toolOverrides).

import { api } from "../api.js";
import { field, h, select, showError } from "../dom.js";

const ANY_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function targetName(apiName, stage) {
  const base = `${apiName}-${stage}`.replace(/[^0-9A-Za-z]+/g, "-").replace(/^-+|-+$/g, "");
  return (base || "apigateway").slice(0, 100).replace(/-+$/, "");
}

/** The methods as rows by path: an ANY method stands for each concrete method the resource does not define. */
function rowsOf(operations) {
  const byPath = new Map();
  for (const op of operations) {
    if (!byPath.has(op.path)) byPath.set(op.path, []);
    byPath.get(op.path).push(op);
  }
  const groups = new Map();
  for (const [path, ops] of byPath) {
    const defined = new Set(ops.map((o) => o.httpMethod));
    const rows = ops.filter((o) => o.httpMethod !== "ANY").map((o) => ({ ...o, method: o.httpMethod, via: null }));
    const any = ops.find((o) => o.httpMethod === "ANY");
    if (any) for (const m of ANY_METHODS.filter((m) => !defined.has(m))) rows.push({ ...any, method: m, via: "ANY" });
    groups.set(path, rows);
  }
  return groups;
}

function selectedBy(filters, path, method) {
  return filters.some((f) => {
    const hit = f.filterPath === path || (f.filterPath.endsWith("/*") && path.startsWith(f.filterPath.slice(0, -1)));
    return hit && (f.methods || []).map((m) => m.toUpperCase()).includes(method);
  });
}

export function apiGatewayForm(existing, context) {
  const tools = existing?.apiGatewayToolConfiguration || {};
  const apiSelect = select([["", "Loading REST APIs…"]], { name: "restApiId", id: "rest-api", required: true, disabled: true });
  const stageSelect = select([["", "Choose a REST API first"]], { name: "stage", id: "stage", required: true, disabled: true });
  const operations = h("div", { class: "operations", id: "operations" });
  const errors = h("div");
  const rowControls = [];
  let apis = [];

  const element = h(
    "fieldset",
    { class: "kind" },
    h("legend", {}, "API Gateway"),
    h("p", { class: "hint" }, "Read from the AWS endpoint this gatewright is configured with (AWS, LocalStack or moto)."),
    field("REST API", apiSelect),
    field("Stage", stageSelect),
    errors,
    operations,
  );

  async function loadApis() {
    try {
      ({ items: apis } = await api.restApis());
    } catch (error) {
      showError(errors, error);
      apiSelect.replaceChildren(h("option", { value: "" }, "REST APIs cannot be read"));
      return;
    }
    const options = [["", apis.length ? "Choose a REST API…" : "No REST APIs at the configured endpoint"]];
    for (const a of apis) options.push([a.id, `${a.name} (${a.id})${a.endpointTypes.length ? ` · ${a.endpointTypes.join(", ")}` : ""}`]);
    apiSelect.replaceChildren(...options.map(([v, t]) => h("option", { value: v }, t)));
    apiSelect.disabled = false;
    if (existing?.restApiId) {
      apiSelect.value = existing.restApiId;
      await loadStages(existing.stage);
    }
  }

  async function loadStages(chosen) {
    operations.replaceChildren();
    rowControls.length = 0;
    stageSelect.disabled = true;
    if (!apiSelect.value) return;
    try {
      const { items } = await api.stages(apiSelect.value);
      const options = [["", items.length ? "Choose a stage…" : "This REST API has no stage: deploy it first"]];
      for (const s of items) options.push([s.stageName, s.description ? `${s.stageName} — ${s.description}` : s.stageName]);
      stageSelect.replaceChildren(...options.map(([v, t]) => h("option", { value: v }, t)));
      stageSelect.disabled = false;
      if (chosen) {
        stageSelect.value = chosen;
        await loadOperations();
      } else if (items.length === 1) {
        stageSelect.value = items[0].stageName;
        await loadOperations();
      }
    } catch (error) {
      showError(errors, error);
    }
  }

  async function loadOperations() {
    operations.replaceChildren();
    rowControls.length = 0;
    showError(errors, null);
    if (!apiSelect.value || !stageSelect.value) return;
    operations.replaceChildren(h("p", { "aria-busy": "true" }, "Reading the stage…"));
    let found;
    try {
      found = await api.operations(apiSelect.value, stageSelect.value);
    } catch (error) {
      operations.replaceChildren();
      showError(errors, error);
      return;
    }
    context.setName(targetName(found.name, found.stage));
    renderOperations(found);
  }

  function renderOperations(found) {
    const groups = rowsOf(found.operations);
    const overrides = new Map((tools.toolOverrides || []).map((o) => [`${o.method.toUpperCase()} ${o.path}`, o]));
    const filters = existing && existing.restApiId === found.restApiId ? tools.toolFilters || [] : [];
    const blocks = [];
    for (const [path, rows] of groups) {
      if (!rows.length) continue;
      blocks.push(h("fieldset", { class: "path" }, h("legend", {}, h("code", {}, path)), rows.map((row) => operationRow(row, filters, overrides))));
    }
    const all = (checked) => () => {
      for (const c of rowControls) {
        c.box.checked = checked;
        c.sync();
      }
    };
    operations.replaceChildren(
      h("div", { class: "title-row" }, h("h3", {}, `Operations of ${found.name} · ${found.stage}`), h("div", { class: "row" }, h("button", { type: "button", onclick: all(true) }, "Select all"), h("button", { type: "button", onclick: all(false) }, "Clear"))),
      ...(blocks.length ? blocks : [h("p", { class: "empty" }, "This stage has no methods.")]),
    );
  }

  function operationRow(row, filters, overrides) {
    const label = `${row.method} ${row.path}`;
    const slug = label.replace(/[^A-Za-z0-9]+/g, "-");
    const override = overrides.get(label) || {};
    const box = h("input", { type: "checkbox", id: `op-${slug}`, checked: selectedBy(filters, row.path, row.method), dataset: { op: label } });
    const name = h("input", { id: `name-${slug}`, value: override.name || "", placeholder: row.operationName || "required: this method has no operation name", maxlength: 100, spellcheck: "false", dataset: { what: `a tool name for ${label}` } });
    const description = h("input", { id: `desc-${slug}`, value: override.description || "", placeholder: "(from the API)" });
    const facts = [row.operationName ? `operation name ${row.operationName}` : "no operation name", `auth ${row.authorizationType}`];
    if (row.apiKeyRequired) facts.push("API key required");
    if (row.via) facts.push("from an ANY method");
    if (!row.deployed) facts.push("not deployed to this stage");
    const sync = () => {
      name.required = box.checked && !row.operationName;
      name.disabled = !box.checked;
      description.disabled = !box.checked;
      line.classList.toggle("needs-name", name.required && !name.value.trim());
    };
    const line = h(
      "div",
      { class: "op" },
      h("div", { class: "check" }, box, h("label", { for: box.id }, h("strong", {}, row.method), " ", h("span", { class: "hint" }, facts.join(" · ")))),
      h("div", { class: "op-fields" },
        h("label", { for: name.id }, row.operationName ? "Name override" : "Tool name"),
        name,
        h("label", { for: description.id }, "Description"),
        description),
    );
    box.addEventListener("change", sync);
    name.addEventListener("input", sync);
    sync();
    rowControls.push({ row, box, name, description, sync });
    return line;
  }

  apiSelect.addEventListener("change", () => loadStages(null));
  stageSelect.addEventListener("change", loadOperations);
  loadApis();

  const value = () => {
    if (!apiSelect.value || !stageSelect.value) throw new Error("choose a REST API and a stage.");
    const chosen = rowControls.filter((c) => c.box.checked);
    if (!chosen.length) throw new Error("select at least one operation.");
    const byPath = new Map();
    for (const c of chosen) {
      if (!byPath.has(c.row.path)) byPath.set(c.row.path, []);
      byPath.get(c.row.path).push(c.row.method);
    }
    const toolFilters = [...byPath].map(([filterPath, methods]) => ({ filterPath, methods }));
    const toolOverrides = [];
    for (const c of chosen) {
      const name = c.name.value.trim();
      const description = c.description.value.trim();
      if (!name && !c.row.operationName) throw new Error(`${c.row.method} ${c.row.path} needs a tool name.`);
      if (!name && !description) continue;
      const override = { name: name || c.row.operationName, path: c.row.path, method: c.row.method };
      if (description) override.description = description;
      toolOverrides.push(override);
    }
    const configuration = { toolFilters };
    if (toolOverrides.length) configuration.toolOverrides = toolOverrides;
    return { restApiId: apiSelect.value, stage: stageSelect.value, apiGatewayToolConfiguration: configuration };
  };
  return { element, value };
}
