// Credential providers (the token vault): API keys and OAuth2 clients that targets use for outbound calls.
// Create, list, rotate, delete. Secrets go in and never come back: inputs are password fields, emptied
// once sent, and no operation returns them.

import { api } from "../api.js";
import { confirmButton, copyButton, field, flash, h, mount, select, showError, table } from "../dom.js";

const PRESETS = ["GoogleOauth2", "GithubOauth2", "SlackOauth2", "SalesforceOauth2", "MicrosoftOauth2", "AtlassianOauth2", "LinkedinOauth2"];
const INCLUDED = ["OktaOauth2", "Auth0Oauth2", "CognitoOauth2", "OneLoginOauth2", "PingOneOauth2", "FusionAuthOauth2", "CyberArkOauth2"];
const NAME = "[a-zA-Z0-9\\-_]{1,128}";

export async function providersPage() {
  const errors = h("div");
  const apiKeys = h("section", { class: "card", "aria-labelledby": "apikeys-title" });
  const oauth = h("section", { class: "card", "aria-labelledby": "oauth-title" });
  mount(h("h1", {}, "Credential providers"), h("p", { class: "lead" }, "Secrets are encrypted at rest and never shown back."), errors, apiKeys, oauth);
  const refresh = async () => {
    try {
      const [keys, clients] = await Promise.all([api.listApiKeyProviders(), api.listOauthProviders()]);
      renderApiKeys(apiKeys, keys, refresh, errors);
      renderOauth(oauth, clients, refresh, errors);
    } catch (error) {
      showError(errors, error);
    }
  };
  await refresh();
}

function secretInput(name, label) {
  return h("input", { type: "password", name, required: true, autocomplete: "new-password", "aria-label": label });
}

function arnCell(arn) {
  return h("span", { class: "row nowrap" }, h("code", { class: "clip" }, arn), copyButton(arn, "Copy", "ARN"));
}

/** An inline "new secret" form that replaces a row's Rotate button until it is sent or cancelled. */
function rotateButton(what, send, refresh, errors) {
  const slot = h("span", { class: "row" });
  const open = () => {
    const input = secretInput("secret", `New ${what} for rotation`);
    const form = h("form", { class: "row inline" }, input, h("button", { type: "submit", class: "primary" }, "Save"), h("button", { type: "button", onclick: () => slot.replaceChildren(start) }, "Cancel"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await send(input.value);
        input.value = "";
        flash(`The ${what} was replaced.`, "ok");
        await refresh();
      } catch (error) {
        showError(errors, error);
      }
    });
    slot.replaceChildren(form);
    input.focus();
  };
  const start = h("button", { type: "button", onclick: open }, "Rotate");
  slot.append(start);
  return slot;
}

function renderApiKeys(section, providers, refresh, errors) {
  const rows = providers.map((p) => [
    p.name,
    arnCell(p.credentialProviderArn),
    new Date(p.lastUpdatedTime).toLocaleString(),
    h("div", { class: "row" }, rotateButton("API key", (key) => api.updateApiKeyProvider(p.name, key), refresh, errors), deleteButton(() => api.deleteApiKeyProvider(p.name), refresh, errors)),
  ]);
  const name = h("input", { name: "name", required: true, pattern: NAME, spellcheck: "false" });
  const key = secretInput("apiKey", "API key");
  const form = h("form", { class: "inline-form" }, h("h3", {}, "New API key provider"), field("Name", name), field("API key", key), h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Create")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api.createApiKeyProvider(name.value.trim(), key.value);
      key.value = "";
      flash(`API key provider ${name.value.trim()} created.`, "ok");
      await refresh();
    } catch (error) {
      showError(errors, error);
    }
  });
  section.replaceChildren(
    h("h2", { id: "apikeys-title" }, "API keys"),
    rows.length ? table(["Name", "ARN", "Updated", "Actions"], rows, { id: "api-key-providers" }) : h("p", { class: "empty" }, "No API key providers."),
    form,
  );
}

function deleteButton(remove, refresh, errors) {
  return confirmButton("Delete", async () => {
    try {
      await remove();
      await refresh();
    } catch (error) {
      showError(errors, error);
    }
  });
}

function member(vendor) {
  if (vendor === "CustomOauth2") return "customOauth2ProviderConfig";
  if (PRESETS.includes(vendor)) return `${vendor[0].toLowerCase()}${vendor.slice(1)}ProviderConfig`;
  return "includedOauth2ProviderConfig";
}

function renderOauth(section, providers, refresh, errors) {
  const rows = providers.map((p) => [
    p.name,
    p.credentialProviderVendor,
    arnCell(p.credentialProviderArn),
    h("div", { class: "row" }, rotateButton("client secret", (secret) => rotateOauth(p.name, secret), refresh, errors), deleteButton(() => api.deleteOauthProvider(p.name), refresh, errors)),
  ]);
  section.replaceChildren(
    h("h2", { id: "oauth-title" }, "OAuth2 clients"),
    rows.length ? table(["Name", "Vendor", "ARN", "Actions"], rows, { id: "oauth-providers" }) : h("p", { class: "empty" }, "No OAuth2 providers."),
    oauthForm(refresh, errors),
  );
}

async function rotateOauth(name, secret) {
  const current = await api.getOauthProvider(name);
  const [key, output] = Object.entries(current.oauth2ProviderConfigOutput)[0];
  const config = { ...output, clientSecret: secret };
  if (key !== "customOauth2ProviderConfig") delete config.oauthDiscovery;
  return api.updateOauthProvider({ name, credentialProviderVendor: current.credentialProviderVendor, oauth2ProviderConfigInput: { [key]: config } });
}

function oauthForm(refresh, errors) {
  const name = h("input", { name: "name", required: true, pattern: NAME, spellcheck: "false" });
  const vendor = select(["CustomOauth2", ...PRESETS, ...INCLUDED].map((v) => [v, v]), { name: "vendor" });
  const discovery = h("input", { type: "url", name: "discoveryUrl", placeholder: "https://idp.example.com/.well-known/openid-configuration" });
  const issuer = h("input", { type: "url", name: "issuer" });
  const tokenEndpoint = h("input", { type: "url", name: "tokenEndpoint" });
  const clientId = h("input", { name: "clientId", required: true, spellcheck: "false" });
  const secret = secretInput("clientSecret", "Client secret");
  const method = select([["CLIENT_SECRET_BASIC", "client_secret_basic"], ["CLIENT_SECRET_POST", "client_secret_post"]], { name: "method" });
  const custom = h("div", { class: "sub" }, field("Discovery URL", discovery, "Or leave empty and give the issuer and token endpoint."), field("Issuer", issuer), field("Token endpoint", tokenEndpoint), field("Client authentication", method));
  const vendorIssuer = h("input", { type: "url", name: "vendorIssuer" });
  const vendorToken = h("input", { type: "url", name: "vendorTokenEndpoint" });
  const endpoints = h("div", { class: "sub" }, field("Issuer", vendorIssuer), field("Token endpoint", vendorToken));
  const show = () => {
    custom.hidden = vendor.value !== "CustomOauth2";
    endpoints.hidden = member(vendor.value) !== "includedOauth2ProviderConfig";
  };
  vendor.addEventListener("change", show);
  show();
  const form = h("form", { class: "inline-form" }, h("h3", {}, "New OAuth2 client"), field("Name", name), field("Vendor", vendor), custom, endpoints, field("Client ID", clientId), field("Client secret", secret), h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Create")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = member(vendor.value);
    const config = { clientId: clientId.value.trim(), clientSecret: secret.value };
    if (key === "customOauth2ProviderConfig") {
      config.clientAuthenticationMethod = method.value;
      config.oauthDiscovery = discovery.value.trim()
        ? { discoveryUrl: discovery.value.trim() }
        : { authorizationServerMetadata: { issuer: issuer.value.trim(), tokenEndpoint: tokenEndpoint.value.trim(), authorizationEndpoint: tokenEndpoint.value.trim() } };
    } else if (key === "includedOauth2ProviderConfig") {
      const token = vendorToken.value.trim();
      Object.assign(config, { issuer: vendorIssuer.value.trim(), tokenEndpoint: token, authorizationEndpoint: token });
    }
    try {
      await api.createOauthProvider({ name: name.value.trim(), credentialProviderVendor: vendor.value, oauth2ProviderConfigInput: { [key]: config } });
      secret.value = "";
      flash(`OAuth2 provider ${name.value.trim()} created.`, "ok");
      await refresh();
    } catch (error) {
      showError(errors, error);
    }
  });
  return form;
}

