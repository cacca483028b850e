// The console's only ways out: the control plane (AgentCore-compatible REST-JSON plus gatewright's
// extension operations) and the built-in issuer's token endpoint, both on this origin. Requests carry the
// admin token in the Authorization header and never cookies (credentials: "omit"): nothing ambient, so a
// cross-site page cannot make the browser send an authenticated request.

const KEY = "gatewright.console.session";
export const ADMIN_SCOPE = "gatewright/admin";

export class ApiError extends Error {
  constructor(status, type, message, fields = []) {
    super(message);
    this.status = status;
    this.type = type;
    this.fields = fields;
  }
}

/** The admin session: a short-lived bearer token kept in sessionStorage (this tab only). */
export const session = {
  get() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
      if (saved && saved.expiresAt > Date.now() + 5000) return saved;
    } catch {
      // unreadable: treated as logged out
    }
    return null;
  },
  set(token, expiresIn, who) {
    const saved = { token, who, expiresAt: Date.now() + expiresIn * 1000 };
    sessionStorage.setItem(KEY, JSON.stringify(saved));
    return saved;
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

/** Called when the session is over (expired or refused); main.js sends the user to the login page. */
let onExpired = () => {};
export function whenExpired(callback) {
  onExpired = callback;
}

async function parse(response) {
  const text = await response.text();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500) };
  }
}

/** POST client credentials (client_secret_post) to the built-in issuer's token endpoint. */
export async function clientCredentialsToken(tokenEndpoint, clientId, clientSecret, scope) {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret });
  if (scope) form.set("scope", scope);
  let response;
  try {
    response = await fetch(ownPath(tokenEndpoint), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: form,
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(0, "NetworkError", `The token endpoint cannot be reached (${error.message}).`);
  }
  const body = await parse(response);
  if (!response.ok) {
    const why = {
      invalid_client: "The client ID or secret is wrong.",
      invalid_scope: `This client may not ask for the scope ${scope}.`,
    }[body.error];
    throw new ApiError(response.status, body.error || "TokenError", why || body.error_description || "No token.");
  }
  return body;
}

/** Log in with the admin key pair or an OAuth client that holds the admin scope. */
export async function login(clientId, clientSecret, who) {
  const body = await clientCredentialsToken("/oauth2/token", clientId, clientSecret, ADMIN_SCOPE);
  return session.set(body.access_token, body.expires_in || 3600, who);
}

/**
 * A URL that this server made (a gateway URL, the built-in issuer's token endpoint) as a path on the origin the
 * console was loaded from: the server names itself by its public URL, which a browser on another host name (or
 * behind a proxy) may not reach directly, and the console never calls another origin.
 */
export function ownPath(url) {
  const parsed = new URL(url, location.href);
  return parsed.pathname + parsed.search;
}

/** One control-plane request; AWS errors become ApiError (type, message, fieldList). */
export async function call(method, path, body) {
  const current = session.get();
  if (!current) {
    onExpired("Your session has ended: log in again.");
    throw new ApiError(401, "SessionEnded", "Your session has ended: log in again.");
  }
  const init = {
    method,
    headers: { Authorization: `Bearer ${current.token}`, Accept: "application/json" },
    credentials: "omit",
    cache: "no-store",
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, "NetworkError", `gatewright cannot be reached (${error.message}).`);
  }
  const data = await parse(response);
  if (response.ok) return data;
  const type = (response.headers.get("x-amzn-errortype") || "").split(":")[0] || `HTTP ${response.status}`;
  const error = new ApiError(response.status, type, data.message || data.Message || response.statusText, data.fieldList || []);
  if (response.status === 403 && /bearer token was refused/.test(error.message)) {
    session.clear();
    onExpired("Your session has ended: log in again.");
  }
  throw error;
}

const enc = encodeURIComponent;

async function all(fetchPage, key) {
  const items = [];
  let token = null;
  do {
    const page = await fetchPage(token);
    items.push(...(page[key] || []));
    token = page.nextToken || null;
  } while (token);
  return items;
}

function query(params) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== null && v !== undefined));
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** Every operation the console uses, by its AgentCore (or gatewright extension) name. */
export const api = {
  listGateways: () => all((t) => call("GET", `/gateways/${query({ maxResults: 100, nextToken: t })}`), "items"),
  getGateway: (id) => call("GET", `/gateways/${enc(id)}/`),
  createGateway: (body) => call("POST", "/gateways/", body),
  updateGateway: (id, body) => call("PUT", `/gateways/${enc(id)}/`, body),
  deleteGateway: (id) => call("DELETE", `/gateways/${enc(id)}/`),

  listTargets: (id) =>
    all((t) => call("GET", `/gateways/${enc(id)}/targets/${query({ maxResults: 100, nextToken: t })}`), "items"),
  getTarget: (id, tid) => call("GET", `/gateways/${enc(id)}/targets/${enc(tid)}/`),
  createTarget: (id, body) => call("POST", `/gateways/${enc(id)}/targets/`, body),
  updateTarget: (id, tid, body) => call("PUT", `/gateways/${enc(id)}/targets/${enc(tid)}/`, body),
  deleteTarget: (id, tid) => call("DELETE", `/gateways/${enc(id)}/targets/${enc(tid)}/`),
  synchronize: (id, tids) => call("PUT", `/gateways/${enc(id)}/synchronizeTargets`, { targetIdList: tids }),
  importReport: (id, tid) => call("GET", `/gateways/${enc(id)}/targets/${enc(tid)}/importReport`),

  listApiKeyProviders: () =>
    all((t) => call("POST", "/identities/ListApiKeyCredentialProviders", { maxResults: 20, nextToken: t || undefined }), "credentialProviders"),
  createApiKeyProvider: (name, apiKey) => call("POST", "/identities/CreateApiKeyCredentialProvider", { name, apiKey }),
  updateApiKeyProvider: (name, apiKey) => call("POST", "/identities/UpdateApiKeyCredentialProvider", { name, apiKey }),
  deleteApiKeyProvider: (name) => call("POST", "/identities/DeleteApiKeyCredentialProvider", { name }),
  listOauthProviders: () =>
    all((t) => call("POST", "/identities/ListOauth2CredentialProviders", { maxResults: 20, nextToken: t || undefined }), "credentialProviders"),
  getOauthProvider: (name) => call("POST", "/identities/GetOauth2CredentialProvider", { name }),
  createOauthProvider: (body) => call("POST", "/identities/CreateOauth2CredentialProvider", body),
  updateOauthProvider: (body) => call("POST", "/identities/UpdateOauth2CredentialProvider", body),
  deleteOauthProvider: (name) => call("POST", "/identities/DeleteOauth2CredentialProvider", { name }),

  createOAuthClient: (clientName, scopes) => call("POST", "/gatewright/oauth/clients", { clientName, scopes }),
  listOAuthClients: () => call("GET", "/gatewright/oauth/clients"),
  getOAuthClient: (id) => call("GET", `/gatewright/oauth/clients/${enc(id)}`),
  deleteOAuthClient: (id) => call("DELETE", `/gatewright/oauth/clients/${enc(id)}`),
  rotateOAuthClientSecret: (id) => call("POST", `/gatewright/oauth/clients/${enc(id)}/secret`),

  targetKinds: () => call("GET", "/gatewright/target-kinds"),
  restApis: () => call("GET", "/gatewright/apigateway/restapis"),
  stages: (apiId) => call("GET", `/gatewright/apigateway/restapis/${enc(apiId)}/stages`),
  operations: (apiId, stage) => call("GET", `/gatewright/apigateway/restapis/${enc(apiId)}/stages/${enc(stage)}/operations`),
  checkOpenApi: (body) => call("POST", "/gatewright/openapi/check", body),
};
