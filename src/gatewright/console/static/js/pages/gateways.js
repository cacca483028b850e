// Gateways: the list with statuses, and the create form (inbound auth: quick create with the built-in issuer,
// an existing OpenID provider, AWS IAM or none; exception level; semantic search).

import { api } from "../api.js";
import { field, h, isBusy, listOf, mount, radios, select, showError, statusBadge, table } from "../dom.js";
import { go } from "../main.js";
import { poll } from "../poll.js";
import { remember } from "../secrets.js";

const ROLE = "arn:aws:iam::123456789012:role/gatewright";
const NAME = "([0-9a-zA-Z]-?){1,48}";

export async function gatewaysPage(signal) {
  const list = h("div", { "aria-busy": "true" }, h("p", {}, "Loading gateways…"));
  const errors = h("div");
  mount(
    h("div", { class: "title-row" }, h("h1", {}, "Gateways"), h("a", { class: "button primary", href: "#/gateways/new" }, "Create gateway")),
    errors,
    list,
  );
  await poll(signal, async () => {
    let gateways;
    try {
      gateways = await api.listGateways();
    } catch (error) {
      showError(errors, error);
      return true;
    }
    list.removeAttribute("aria-busy");
    if (!gateways.length) {
      list.replaceChildren(h("p", { class: "empty" }, "No gateways yet. ", h("a", { href: "#/gateways/new" }, "Create the first one.")));
      return true;
    }
    const rows = gateways.map((g) => [
      h("a", { href: `#/gateways/${encodeURIComponent(g.gatewayId)}` }, g.name),
      h("code", {}, g.gatewayId),
      statusBadge(g.status),
      g.authorizerType || "",
      g.description || "",
      new Date(g.createdAt).toLocaleString(),
    ]);
    list.replaceChildren(table(["Name", "ID", "Status", "Inbound auth", "Description", "Created"], rows, { id: "gateways" }));
    return !gateways.some((g) => isBusy(g.status));
  });
}

function jwtFields() {
  const discovery = h("input", { name: "discoveryUrl", type: "url", placeholder: "https://issuer.example.com/.well-known/openid-configuration" });
  const clients = h("input", { name: "allowedClients", placeholder: "client-a, client-b" });
  const audiences = h("input", { name: "allowedAudience", placeholder: "https://api.example.com" });
  const scopes = h("input", { name: "allowedScopes", placeholder: "tools/invoke" });
  const claims = h("textarea", { name: "customClaims", rows: 3, class: "mono", placeholder: "department=engineering\ngroups contains admins" });
  const box = h(
    "div",
    { class: "sub" },
    field("Discovery URL", discovery, "The provider's OpenID Connect discovery document."),
    field("Allowed clients", clients, "Comma-separated client IDs (client_id or azp)."),
    field("Allowed audiences", audiences, "Comma-separated values of aud."),
    field("Allowed scopes", scopes, "Comma-separated; a token needs one of them."),
    field("Custom claims", claims, "One rule a line: name=value (a string claim equals), or name contains v1|v2 (a list claim holds one of them)."),
  );
  const value = () => {
    const config = { discoveryUrl: discovery.value.trim() };
    for (const [key, input] of [["allowedClients", clients], ["allowedAudience", audiences], ["allowedScopes", scopes]]) {
      const values = listOf(input.value);
      if (values.length) config[key] = values;
    }
    const rules = claimRules(claims.value);
    if (rules.length) config.customClaims = rules;
    return config;
  };
  return [box, value, discovery];
}

function claimRules(text) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const contains = /^(\S+)\s+contains\s+(.+)$/.exec(line);
      if (contains) {
        const values = contains[2].split("|").map((v) => v.trim()).filter(Boolean);
        return {
          inboundTokenClaimName: contains[1],
          inboundTokenClaimValueType: "STRING_ARRAY",
          authorizingClaimMatchValue: { claimMatchOperator: "CONTAINS_ANY", claimMatchValue: { matchValueStringList: values } },
        };
      }
      const [name, ...rest] = line.split("=");
      return {
        inboundTokenClaimName: name.trim(),
        inboundTokenClaimValueType: "STRING",
        authorizingClaimMatchValue: { claimMatchOperator: "EQUALS", claimMatchValue: { matchValueString: rest.join("=").trim() } },
      };
    });
}

export function createGatewayPage() {
  const name = h("input", { name: "name", required: true, pattern: NAME, maxlength: 96, autocomplete: "off", spellcheck: "false" });
  const description = h("input", { name: "description", maxlength: 200 });
  const [auth, authValue] = radios(
    "Inbound auth",
    "inbound",
    [
      ["quick", "Quick create: a new OAuth client of the built-in issuer", "(JWT; the seed's 'quick create with Cognito')"],
      ["jwt", "An existing OpenID Connect provider", "(JWT)"],
      ["iam", "AWS IAM", "(SigV4 with a gatewright IAM key pair)"],
      ["none", "None", "(anyone who can reach the URL)"],
    ],
    "quick",
  );
  const [jwtBox, jwtValue, discovery] = jwtFields();
  const level = select([["", "Masked (default): callers see generic errors"], ["DEBUG", "DEBUG: callers see upstream error details"]], { name: "exceptionLevel" });
  const search = h("input", { type: "checkbox", name: "semantic", id: "semantic" });
  const role = h("input", { name: "roleArn", value: ROLE, required: true, class: "mono" });
  const errors = h("div");
  const submit = h("button", { type: "submit", class: "primary" }, "Create gateway");
  const showJwt = () => {
    jwtBox.hidden = authValue() !== "jwt";
    discovery.required = authValue() === "jwt";
  };
  auth.addEventListener("change", showJwt);
  showJwt();
  const form = h(
    "form",
    { class: "card", id: "create-gateway" },
    field("Name", name, "Letters, digits and single hyphens, up to 48 characters."),
    field("Description", description),
    auth,
    jwtBox,
    field("Exception level", level),
    h("div", { class: "field check" }, search, h("label", { for: "semantic" }, "Semantic tool search (searchType SEMANTIC; cannot be changed later)")),
    h("details", {}, h("summary", {}, "Advanced"), field("Role ARN", role, "Kept for AgentCore compatibility; gatewright does not assume it.")),
    errors,
    h("div", { class: "actions" }, submit, h("a", { href: "#/gateways", class: "button" }, "Cancel")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    showError(errors, null);
    try {
      const created = await createGateway({
        name: name.value.trim(),
        description: description.value.trim(),
        auth: authValue(),
        jwt: authValue() === "jwt" ? jwtValue() : null,
        exceptionLevel: level.value,
        semantic: search.checked,
        roleArn: role.value.trim(),
      });
      go(`/gateways/${created.gatewayId}`, `Gateway ${created.name} is being created.`);
    } catch (error) {
      showError(errors, error);
      submit.disabled = false;
    }
  });
  mount(h("h1", {}, "Create gateway"), form);
  name.focus();
}

async function createGateway(choice) {
  const body = { name: choice.name, roleArn: choice.roleArn, protocolType: "MCP", authorizerType: "NONE" };
  if (choice.description) body.description = choice.description;
  if (choice.exceptionLevel) body.exceptionLevel = choice.exceptionLevel;
  if (choice.semantic) body.protocolConfiguration = { mcp: { searchType: "SEMANTIC" } };
  let client = null;
  if (choice.auth === "quick") {
    // What `gatewright gateway quick-create` does: a client of the built-in issuer, then a CUSTOM_JWT gateway
    // that allows it. The client's secret is shown once, on the gateway's page.
    client = await api.createOAuthClient(`${choice.name}-client`, [`${choice.name}/invoke`]);
    body.authorizerType = "CUSTOM_JWT";
    body.authorizerConfiguration = { customJWTAuthorizer: { discoveryUrl: client.discoveryUrl, allowedClients: [client.clientId] } };
  } else if (choice.auth === "jwt") {
    body.authorizerType = "CUSTOM_JWT";
    body.authorizerConfiguration = { customJWTAuthorizer: choice.jwt };
  } else if (choice.auth === "iam") {
    body.authorizerType = "AWS_IAM";
  }
  try {
    const created = await api.createGateway(body);
    if (client) remember(created.gatewayId, client);
    return created;
  } catch (error) {
    if (client) await api.deleteOAuthClient(client.clientId).catch(() => {});
    throw error;
  }
}
