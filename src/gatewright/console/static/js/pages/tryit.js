// Try a gateway: get a token with its client credentials (CUSTOM_JWT), list its tools, and call one with a
// form made from its inputSchema. Shows the raw JSON-RPC request and response. Calls go to the gateway's
// MCP endpoint exactly as an agent's would, with the gateway's credentials, not the console's.

import { ApiError, api, clientCredentialsToken } from "../api.js";
import { field, h, mount, showError } from "../dom.js";
import { listTools, rpc } from "../mcp.js";
import { schemaForm } from "../schema_form.js";
import { connectionOf } from "./connection.js";
import { signedHeaders } from "../sigv4.js";

export async function tryItPage(signal, gatewayId) {
  const gid = encodeURIComponent(gatewayId);
  const errors = h("div");
  mount(h("p", { class: "crumbs" }, h("a", { href: "#/gateways" }, "Gateways"), " / ", h("a", { href: `#/gateways/${gid}` }, gatewayId), " / try it"), h("h1", {}, "Try it"), errors);
  let gateway, conn;
  try {
    gateway = await api.getGateway(gatewayId);
    conn = await connectionOf(gateway);
  } catch (error) {
    showError(errors, error);
    return;
  }
  const credentials = credentialPanel(gateway, conn);
  const toolsSlot = h("div", { id: "tools" });
  const callSlot = h("div", { id: "call" });
  const resultSlot = h("div", { id: "result", "aria-live": "polite" });
  const listButton = h("button", { type: "button", class: "primary", id: "list-tools" }, "List tools");
  listButton.addEventListener("click", async () => {
    showError(errors, null);
    listButton.disabled = true;
    try {
      const auth = await credentials.auth(gateway.gatewayUrl, "tools/list");
      const tools = await listTools(gateway.gatewayUrl, auth.token, auth.sign);
      renderTools(toolsSlot, callSlot, resultSlot, gateway, tools, credentials, errors);
    } catch (error) {
      showError(errors, error);
    } finally {
      listButton.disabled = false;
    }
  });
  errors.after(
    h("p", { class: "lead" }, `Gateway ${gateway.name}: `, h("code", {}, gateway.gatewayUrl)),
    credentials.element,
    h("section", { class: "card", "aria-labelledby": "tools-title" }, h("h2", { id: "tools-title" }, "Tools"), listButton, toolsSlot),
    callSlot,
    resultSlot,
  );
}

function credentialPanel(gateway, conn) {
  if (gateway.authorizerType === "CUSTOM_JWT") return jwtPanel(conn);
  if (gateway.authorizerType === "AWS_IAM") return iamPanel(gateway);
  const element = h("section", { class: "card" }, h("h2", {}, "Credentials"), h("p", {}, "This gateway has no inbound auth: calls carry no credentials."));
  return { element, auth: async () => ({}) };
}

function jwtPanel(conn) {
  const clientId = h("input", { id: "try-client-id", value: conn.clientId || "", spellcheck: "false" });
  const secret = h("input", { id: "try-client-secret", type: "password", value: conn.clientSecret || "", autocomplete: "off" });
  const token = h("textarea", { id: "try-token", rows: 3, class: "mono", spellcheck: "false", placeholder: "An access token (fetched below, or pasted)" });
  const status = h("p", { class: "hint", "aria-live": "polite" });
  const errors = h("div");
  const fetchButton = h("button", { type: "button", id: "get-token" }, "Get token");
  fetchButton.addEventListener("click", async () => {
    showError(errors, null);
    try {
      token.value = await tokenFor(conn, clientId.value.trim(), secret.value);
      status.textContent = "Token received.";
    } catch (error) {
      showError(errors, error);
    }
  });
  const parts = [h("h2", {}, "Credentials")];
  if (conn.builtIn) {
    parts.push(
      h("p", { class: "hint" }, "The gateway's client of the built-in issuer. Paste its secret if the console does not remember it (it is shown once)."),
      field("Client ID", clientId),
      field("Client secret", secret),
      h("div", { class: "row" }, fetchButton, status),
    );
  } else {
    parts.push(h("p", { class: "hint" }, "The gateway trusts another OpenID provider: paste an access token it issued."));
  }
  parts.push(field("Access token", token), errors);
  const auth = async () => {
    if (!token.value.trim() && conn.builtIn && secret.value) {
      token.value = await tokenFor(conn, clientId.value.trim(), secret.value);
      status.textContent = "Token received.";
    }
    if (!token.value.trim()) throw new ApiError(0, "No token:", "get a token with the client's credentials, or paste one.");
    return { token: token.value.trim() };
  };
  return { element: h("section", { class: "card", id: "credentials" }, parts), auth };
}

async function tokenFor(conn, clientId, secret) {
  if (!clientId || !secret) throw new ApiError(0, "Missing credentials:", "enter the client ID and secret.");
  const body = await clientCredentialsToken(conn.tokenEndpoint, clientId, secret);
  return body.access_token;
}

function iamPanel(gateway) {
  const keyId = h("input", { id: "try-access-key", spellcheck: "false", autocomplete: "off" });
  const secret = h("input", { id: "try-secret-key", type: "password", autocomplete: "off" });
  const region = gateway.gatewayArn.split(":")[3];
  const element = h(
    "section",
    { class: "card", id: "credentials" },
    h("h2", {}, "Credentials"),
    h("p", { class: "hint" }, "An IAM key pair of this gatewright (", h("code", {}, "gatewright iam create-key"), "). Requests are signed with SigV4 in this page; the key stays here."),
    field("Access key ID", keyId),
    field("Secret access key", secret),
  );
  const auth = async () => {
    if (!keyId.value.trim() || !secret.value) throw new ApiError(0, "Missing credentials:", "enter the key pair.");
    return { sign: (url, body) => signedHeaders({ url, body, region, accessKeyId: keyId.value.trim(), secretAccessKey: secret.value }) };
  };
  return { element, auth };
}

function renderTools(toolsSlot, callSlot, resultSlot, gateway, tools, credentials, errors) {
  if (!tools.length) {
    toolsSlot.replaceChildren(h("p", { class: "empty" }, "The gateway serves no tools yet (are its targets READY?)."));
    return;
  }
  const choose = (tool) => {
    for (const b of toolsSlot.querySelectorAll("button[aria-pressed]")) b.setAttribute("aria-pressed", String(b.dataset.tool === tool.name));
    renderCall(callSlot, resultSlot, gateway, tool, credentials, errors);
  };
  toolsSlot.replaceChildren(
    h("p", { class: "hint" }, `${tools.length} tool${tools.length === 1 ? "" : "s"}. Choose one to call it.`),
    h(
      "ul",
      { class: "tools" },
      tools.map((tool) =>
        h(
          "li",
          {},
          h("button", { type: "button", class: "tool", "aria-pressed": "false", dataset: { tool: tool.name }, onclick: () => choose(tool) }, tool.name),
          tool.description ? h("span", { class: "hint" }, ` ${tool.description}`) : "",
        ),
      ),
    ),
  );
}

function renderCall(callSlot, resultSlot, gateway, tool, credentials, errors) {
  const form = schemaForm(tool.inputSchema || {});
  const submit = h("button", { type: "submit", class: "primary", id: "call-tool" }, `Call ${tool.name}`);
  const element = h("form", { class: "card", id: "call-form", "aria-labelledby": "call-title" }, h("h2", { id: "call-title" }, tool.name), tool.description ? h("p", {}, tool.description) : "", form.element, h("div", { class: "actions" }, submit));
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(errors, null);
    submit.disabled = true;
    try {
      const args = form.value();
      const auth = await credentials.auth(gateway.gatewayUrl, "tools/call");
      const exchange = await rpc(gateway.gatewayUrl, "tools/call", { name: tool.name, arguments: args }, auth.token, auth.sign);
      renderResult(resultSlot, exchange);
    } catch (error) {
      showError(errors, error);
      if (error.raw) resultSlot.replaceChildren(h("section", { class: "card" }, h("h2", {}, "Response"), h("pre", { id: "rpc-response" }, error.raw)));
    } finally {
      submit.disabled = false;
    }
  });
  callSlot.replaceChildren(element);
  resultSlot.replaceChildren();
  element.querySelector("input, select, textarea, button")?.focus();
}

function renderResult(slot, { request, response }) {
  const result = response.result;
  const texts = (result?.content || []).filter((c) => c.type === "text").map((c) => c.text);
  const outcome = response.error
    ? h("p", { class: "msg error" }, `JSON-RPC error ${response.error.code}: ${response.error.message}`)
    : result?.isError
      ? h("p", { class: "msg error" }, "The tool reported an error (isError: true).")
      : h("p", { class: "msg ok" }, "The tool answered.");
  slot.replaceChildren(
    h(
      "section",
      { class: "card", "aria-labelledby": "result-title" },
      h("h2", { id: "result-title" }, "Result"),
      outcome,
      texts.length ? h("pre", { id: "result-text", tabindex: "0" }, texts.join("\n")) : "",
      h("h3", {}, "JSON-RPC response"),
      h("pre", { id: "rpc-response", tabindex: "0" }, JSON.stringify(response, null, 2)),
      h("details", {}, h("summary", {}, "JSON-RPC request"), h("pre", {}, JSON.stringify(request, null, 2))),
    ),
  );
  slot.scrollIntoView({ block: "start" });
}
