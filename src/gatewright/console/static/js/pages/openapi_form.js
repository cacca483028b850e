// OpenAPI target: paste, upload or fetch a document, see the import report (what becomes a tool, what is
// skipped and why) before saving. The report comes from gatewright's dry-run import (POST
// /gatewright/openapi/check), which creates nothing.

import { api } from "../api.js";
import { field, h, showError, table } from "../dom.js";
import { reportView } from "./gateway.js";

export function openApiForm(existing, context) {
  const text = h("textarea", { name: "document", id: "openapi-document", rows: 14, class: "mono", spellcheck: "false", placeholder: "Paste an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML)" });
  text.value = existing?.inlinePayload || "";
  const file = h("input", { type: "file", id: "openapi-file", accept: ".json,.yaml,.yml,application/json,application/yaml,text/yaml" });
  const url = h("input", { type: "url", id: "openapi-url", placeholder: "https://api.example.com/openapi.json" });
  const s3 = h("input", { id: "openapi-s3", value: existing?.s3?.uri || "", placeholder: "s3://bucket/key (instead of a document)" });
  const report = h("div", { class: "report-slot", "aria-live": "polite" });
  const errors = h("div");
  const check = h("button", { type: "button", id: "check-openapi" }, "Check document");
  const fetchButton = h("button", { type: "button" }, "Fetch");
  let checked = null; // the text whose report is shown

  async function run(body) {
    showError(errors, null);
    check.disabled = fetchButton.disabled = true;
    report.replaceChildren(h("p", { "aria-busy": "true" }, "Importing…"));
    try {
      const result = await api.checkOpenApi({ name: context.name(), ...body });
      if (result.document !== undefined) text.value = result.document;
      checked = text.value;
      report.replaceChildren(
        reportView("Import report", result.report),
        result.tools.length
          ? table(["Tool", "Description"], result.tools.map((t) => [h("code", {}, `${context.name()}___${t.name}`), t.description]))
          : h("p", { class: "msg warn" }, "No operation becomes a tool: the target would have none."),
      );
    } catch (error) {
      checked = null;
      report.replaceChildren();
      showError(errors, error);
    } finally {
      check.disabled = fetchButton.disabled = false;
    }
  }

  check.addEventListener("click", () => run({ document: text.value }));
  fetchButton.addEventListener("click", () => {
    if (!url.value.trim()) {
      showError(errors, { type: "Missing URL:", message: "enter the document's http(s) URL." });
      return;
    }
    run({ url: url.value.trim() });
  });
  file.addEventListener("change", async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    text.value = await chosen.text();
    run({ document: text.value });
  });
  const stale = h("p", { class: "msg warn" }, "The document changed since this report: check it again before saving.");
  text.addEventListener("input", () => {
    if (checked !== null && text.value !== checked && !stale.isConnected) report.prepend(stale);
  });

  const element = h(
    "fieldset",
    { class: "kind" },
    h("legend", {}, "OpenAPI document"),
    field("Document", text),
    h("div", { class: "row wrap" }, field("…or upload a file", file), field("…or fetch it from a URL (the server fetches it)", url), fetchButton),
    h("div", { class: "row" }, check),
    errors,
    report,
    h("details", {}, h("summary", {}, "Read the document from S3 instead"), field("S3 URI", s3, "Read with the server's AWS settings when the target is built; the import report shows on the gateway's page afterwards.")),
  );
  const value = () => {
    if (!text.value.trim() && s3.value.trim()) return { s3: { uri: s3.value.trim() } };
    if (!text.value.trim()) throw new Error("paste, upload or fetch a document.");
    if (checked !== text.value) throw new Error("check the document to see its import report before saving.");
    return { inlinePayload: text.value };
  };
  return { element, value };
}
