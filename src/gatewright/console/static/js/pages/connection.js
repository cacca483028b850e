// How callers reach a gateway: its URL, the token endpoint, discovery URL and client of a CUSTOM_JWT gateway
// (the secret shown once, rotatable), and ready-to-run snippets.

import { api } from "../api.js";
import { confirmButton, copyButton, copyField, h, showError } from "../dom.js";
import { forget, recall, remember } from "../secrets.js";
import { snippets } from "../snippets.js";

/** What the console knows about the gateway's client: {builtIn, tokenEndpoint, discoveryUrl, clientId, clientSecret, scope}. */
export async function connectionOf(gateway) {
  const jwt = gateway.authorizerConfiguration?.customJWTAuthorizer;
  if (!jwt) return { builtIn: false };
  const clientId = (jwt.allowedClients || [])[0] || "";
  const { clients } = await api.listOAuthClients();
  const client = clients.find((c) => c.clientId === clientId && c.discoveryUrl === jwt.discoveryUrl);
  if (!client) return { builtIn: false, clientId, discoveryUrl: jwt.discoveryUrl };
  const known = recall(gateway.gatewayId);
  return {
    builtIn: true,
    clientId,
    clientSecret: known && known.clientId === clientId ? known.clientSecret : "",
    tokenEndpoint: client.tokenEndpoint,
    discoveryUrl: client.discoveryUrl,
    scope: (client.scopes || []).join(" "),
  };
}

export function connectionSection(gateway, conn, refresh) {
  const errors = h("div");
  const section = h("section", { class: "card", "aria-labelledby": "conn-title" }, h("h2", { id: "conn-title" }, "Connect"));
  section.append(copyField("Gateway URL", gateway.gatewayUrl, { id: "gateway-url" }));
  const jwt = gateway.authorizerConfiguration?.customJWTAuthorizer;
  if (gateway.authorizerType === "CUSTOM_JWT" && conn.builtIn) {
    section.append(
      copyField("Token endpoint", conn.tokenEndpoint, { id: "token-endpoint" }),
      copyField("Discovery URL", conn.discoveryUrl, { id: "discovery-url" }),
      copyField("Client ID", conn.clientId, { id: "client-id" }),
      secretField(gateway, conn, errors, refresh),
    );
  } else if (gateway.authorizerType === "CUSTOM_JWT") {
    section.append(
      copyField("Discovery URL", jwt.discoveryUrl, { id: "discovery-url" }),
      rules(jwt),
      h("p", { class: "hint" }, "Tokens come from your OpenID provider; the gateway checks them against these rules."),
    );
  } else if (gateway.authorizerType === "AWS_IAM") {
    section.append(
      h("p", {}, "Callers sign requests with SigV4 (service bedrock-agentcore) using a key pair from ", h("code", {}, "gatewright iam create-key"), "."),
    );
  } else {
    section.append(h("p", { class: "msg warn" }, "No inbound auth: anyone who can reach this URL can list and call the tools."));
  }
  section.append(errors, snippetBlock(gateway, conn));
  return section;
}

function rules(jwt) {
  const items = [];
  for (const key of ["allowedClients", "allowedAudience", "allowedScopes"]) {
    if (jwt[key]?.length) items.push(h("li", {}, `${key}: `, h("code", {}, jwt[key].join(", "))));
  }
  for (const claim of jwt.customClaims || []) items.push(h("li", {}, "claim ", h("code", {}, JSON.stringify(claim))));
  return h("ul", { class: "rules" }, items);
}

function secretField(gateway, conn, errors, refresh) {
  const rotate = confirmButton("Rotate secret", async () => {
    showError(errors, null);
    try {
      const rotated = await api.rotateOAuthClientSecret(conn.clientId);
      remember(gateway.gatewayId, rotated);
      await refresh();
    } catch (error) {
      showError(errors, error);
    }
  }, "Confirm: the old secret stops working");
  if (!conn.clientSecret) {
    return h(
      "div",
      { class: "field" },
      h("span", { class: "label" }, "Client secret"),
      h("p", { class: "hint" }, "Shown once, when it was created or rotated. Rotate it to get a new one (the old one stops working)."),
      h("div", { class: "row" }, rotate),
    );
  }
  const block = copyField("Client secret", conn.clientSecret, { id: "client-secret" });
  block.append(
    h("p", { class: "msg warn" }, "This secret is shown once: copy it now. The console forgets it when you reload or press Forget."),
    h("div", { class: "row" }, h("button", { type: "button", onclick: async () => { forget(gateway.gatewayId); await refresh(); } }, "Forget secret"), rotate),
  );
  return block;
}

function snippetBlock(gateway, conn) {
  const { curl, python } = snippets(gateway, conn);
  const block = (title, text, id) =>
    h(
      "details",
      { class: "snippet", id },
      h("summary", {}, title),
      h("div", { class: "row end" }, copyButton(text, "Copy", title)),
      h("pre", { tabindex: "0" }, h("code", {}, text)),
    );
  return h(
    "div",
    { class: "snippets" },
    h("h3", {}, "Get a token and list the tools"),
    block("curl", curl, "snippet-curl"),
    block("Python", python, "snippet-python"),
  );
}
