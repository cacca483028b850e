// Add or edit a target: the kind (every kind the control plane reports), its configuration form, the
// outbound credentials, then CreateGatewayTarget / UpdateGatewayTarget. The gateway's page then shows the
// build's progress until READY or FAILED.

import { api } from "../api.js";
import { field, h, mount, radios, showError } from "../dom.js";
import { go } from "../main.js";
import { outboundAuth } from "../outbound.js";
import { apiGatewayForm } from "./apigateway_form.js";
import { jsonForm } from "./json_form.js";
import { openApiForm } from "./openapi_form.js";

const KIND_LABELS = {
  apiGateway: "API Gateway REST API stage",
  openApiSchema: "OpenAPI / Swagger document",
  smithyModel: "Smithy model",
  lambda: "Lambda function",
  mcpServer: "Remote MCP server",
};
const ORDER = ["apiGateway", "openApiSchema", "smithyModel", "lambda", "mcpServer"];
const TARGET_NAME = "([0-9a-zA-Z]-?){1,100}";

function formFor(key, existing, context) {
  if (key === "apiGateway") return apiGatewayForm(existing, context);
  if (key === "openApiSchema") return openApiForm(existing, context);
  return jsonForm(key, existing);
}

export async function targetPage(signal, gatewayId, targetId) {
  const errors = h("div");
  const gid = encodeURIComponent(gatewayId);
  mount(h("p", { class: "crumbs" }, h("a", { href: "#/gateways" }, "Gateways"), " / ", h("a", { href: `#/gateways/${gid}` }, gatewayId)), h("h1", {}, targetId ? "Edit target" : "Add target"), errors);
  let gateway, target, kinds, apiKeys, oauth;
  try {
    [gateway, target, { items: kinds }, apiKeys, oauth] = await Promise.all([
      api.getGateway(gatewayId),
      targetId ? api.getTarget(gatewayId, targetId) : null,
      api.targetKinds(),
      api.listApiKeyProviders(),
      api.listOauthProviders(),
    ]);
  } catch (error) {
    showError(errors, error);
    return;
  }
  kinds.sort((a, b) => ORDER.indexOf(a.configKey) - ORDER.indexOf(b.configKey));
  const existingKey = target ? Object.keys(target.targetConfiguration.mcp)[0] : null;
  const name = h("input", { name: "targetName", required: true, pattern: TARGET_NAME, maxlength: 200, value: target?.name || "", spellcheck: "false", readonly: Boolean(target) });
  const description = h("input", { name: "targetDescription", value: target?.description || "", maxlength: 200 });
  const [kindSet, kindValue] = radios(
    "Target type",
    "kind",
    kinds.map((k) => [k.configKey, KIND_LABELS[k.configKey] || k.configKey, `(${k.targetType})`]),
    existingKey || kinds[0]?.configKey,
  );
  if (target) for (const input of kindSet.querySelectorAll("input")) input.disabled = input.value !== existingKey;
  const kindSlot = h("div");
  const authSlot = h("div");
  const submit = h("button", { type: "submit", class: "primary", id: "save-target" }, target ? "Save changes" : "Create target");
  const form = h(
    "form",
    { class: "card", id: "target-form", novalidate: false },
    kindSet,
    field("Name", name, target ? "A target cannot be renamed." : "Tools are named <target name>___<tool>. Letters, digits and single hyphens."),
    field("Description", description),
    kindSlot,
    authSlot,
    h("div", { class: "errors" }),
    h("div", { class: "actions" }, submit, h("a", { class: "button", href: `#/gateways/${gid}` }, "Cancel")),
  );
  const formErrors = form.querySelector(".errors");
  let kindForm = null;
  let auth = null;
  const context = {
    signal,
    name: () => name.value.trim() || "api",
    setName: (value) => {
      if (!target && !name.dataset.touched) name.value = value;
    },
  };
  name.addEventListener("input", () => { name.dataset.touched = "1"; });
  const showKind = () => {
    const key = kindValue();
    const kind = kinds.find((k) => k.configKey === key);
    kindForm = formFor(key, key === existingKey ? target.targetConfiguration.mcp[key] : null, context);
    auth = outboundAuth(kind.credentialTypes, { apiKeys, oauth }, key === existingKey ? target.credentialProviderConfigurations || [] : []);
    kindSlot.replaceChildren(kindForm.element);
    authSlot.replaceChildren(auth.element);
  };
  kindSet.addEventListener("change", showKind);
  showKind();

  // The browser refuses to submit while a required field is empty (an unnamed operation, say); say which.
  form.addEventListener("invalid", () => {
    const missing = [...form.querySelectorAll(":invalid")].filter((el) => el.tagName !== "FIELDSET").map((el) => el.dataset.what || el.labels?.[0]?.textContent || el.name);
    showError(formErrors, { type: "Incomplete form:", message: `fill in ${[...new Set(missing)].join(", ")}.` });
  }, true);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(formErrors, null);
    let body;
    try {
      const config = await kindForm.value();
      body = { name: name.value.trim(), targetConfiguration: { mcp: { [kindValue()]: config } } };
      if (description.value.trim()) body.description = description.value.trim();
      const credentials = auth.value();
      if (credentials.length) body.credentialProviderConfigurations = credentials;
    } catch (error) {
      showError(formErrors, { type: "Not ready:", message: error.message });
      return;
    }
    submit.disabled = true;
    try {
      if (target) await api.updateTarget(gatewayId, target.targetId, body);
      else await api.createTarget(gatewayId, body);
      go(`/gateways/${gatewayId}`, `Target ${body.name} is being ${target ? "updated" : "created"}.`);
    } catch (error) {
      showError(formErrors, error);
      submit.disabled = false;
    }
  });
  errors.after(h("p", { class: "lead" }, `Gateway ${gateway.name}`), form);
}
