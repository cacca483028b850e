// Outbound credentials of a target: the types its kind accepts, with the provider chosen from the credential
// providers (API key or OAuth2). Returns the AgentCore credentialProviderConfigurations list.

import { field, h, listOf, select } from "./dom.js";

const LABELS = {
  NONE: "None",
  API_KEY: "API key (from a credential provider)",
  OAUTH: "OAuth client credentials (from a credential provider)",
  GATEWAY_IAM_ROLE: "Gateway IAM role (SigV4 with the process's AWS credentials)",
  JWT_PASSTHROUGH: "Pass the caller's token through",
};

/**
 * outboundAuth(["NONE", "API_KEY"...], {apiKeys, oauth}, existing) -> {element, value()}.
 * ``providers`` lists the providers (name, credentialProviderArn); ``existing`` is a target's configuration.
 */
export function outboundAuth(types, providers, existing = []) {
  const current = existing[0] || null;
  const kinds = types.length ? types : ["NONE"];
  const type = select(kinds.map((t) => [t, LABELS[t] || t]), { name: "credentialType", id: "credential-type" });
  type.value = current?.credentialProviderType || (kinds.includes("NONE") ? "NONE" : kinds[0]);
  const spec = current?.credentialProvider || {};
  const apiKey = spec.apiKeyCredentialProvider || {};
  const oauth = spec.oauthCredentialProvider || {};
  const iam = spec.iamCredentialProvider || {};

  const apiKeyArn = providerSelect(providers.apiKeys, apiKey.providerArn, "api-key-provider");
  const paramName = h("input", { name: "credentialParameterName", value: apiKey.credentialParameterName || "", placeholder: "x-api-key" });
  const prefix = h("input", { name: "credentialPrefix", value: apiKey.credentialPrefix || "", placeholder: "(none)" });
  const location = select([["HEADER", "Header"], ["QUERY_PARAMETER", "Query parameter"]], { name: "credentialLocation" });
  location.value = apiKey.credentialLocation || "HEADER";
  const oauthArn = providerSelect(providers.oauth, oauth.providerArn, "oauth-provider");
  const scopes = h("input", { name: "scopes", value: (oauth.scopes || []).join(", "), placeholder: "scope-a, scope-b" });
  const service = h("input", { name: "iamService", value: iam.service || "", placeholder: "(the kind's default, e.g. execute-api)" });
  const region = h("input", { name: "iamRegion", value: iam.region || "", placeholder: "(the API's region)" });

  const parts = {
    API_KEY: h(
      "div",
      { class: "sub" },
      field("API key provider", apiKeyArn, providers.apiKeys.length ? null : noProviders()),
      field("Parameter name", paramName, "Where the key goes (default x-api-key)."),
      field("Prefix", prefix, "Put before the key, e.g. Bearer."),
      field("Location", location),
    ),
    OAUTH: h("div", { class: "sub" }, field("OAuth2 provider", oauthArn, providers.oauth.length ? null : noProviders()), field("Scopes", scopes)),
    GATEWAY_IAM_ROLE: h("div", { class: "sub" }, field("Signing service", service), field("Region", region)),
  };
  const show = () => {
    for (const [key, part] of Object.entries(parts)) part.hidden = key !== type.value;
    apiKeyArn.required = type.value === "API_KEY";
    oauthArn.required = type.value === "OAUTH";
  };
  type.addEventListener("change", show);
  show();

  const element = h(
    "fieldset",
    { class: "outbound" },
    h("legend", {}, "Outbound auth"),
    field("How the gateway authenticates to the upstream", type),
    Object.values(parts),
  );
  const value = () => {
    const kind = type.value;
    if (kind === "NONE") return [];
    if (kind === "API_KEY") {
      const provider = { providerArn: apiKeyArn.value };
      if (paramName.value.trim()) provider.credentialParameterName = paramName.value.trim();
      if (prefix.value.trim()) provider.credentialPrefix = prefix.value.trim();
      provider.credentialLocation = location.value;
      return [{ credentialProviderType: kind, credentialProvider: { apiKeyCredentialProvider: provider } }];
    }
    if (kind === "OAUTH") {
      const provider = { providerArn: oauthArn.value, scopes: listOf(scopes.value) };
      return [{ credentialProviderType: kind, credentialProvider: { oauthCredentialProvider: provider } }];
    }
    if (kind === "GATEWAY_IAM_ROLE" && service.value.trim()) {
      const provider = { service: service.value.trim() };
      if (region.value.trim()) provider.region = region.value.trim();
      return [{ credentialProviderType: kind, credentialProvider: { iamCredentialProvider: provider } }];
    }
    return [{ credentialProviderType: kind }];
  };
  return { element, value, type: () => type.value };
}

function providerSelect(list, chosen, id) {
  const control = select([["", "Choose a provider…"], ...list.map((p) => [p.credentialProviderArn, p.name])], { id });
  if (chosen) {
    if (!list.some((p) => p.credentialProviderArn === chosen)) control.append(h("option", { value: chosen }, chosen));
    control.value = chosen;
  }
  return control;
}

function noProviders() {
  return h("span", {}, "No providers yet: ", h("a", { href: "#/providers" }, "create one"), ".");
}
