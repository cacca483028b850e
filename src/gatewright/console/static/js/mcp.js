// JSON-RPC to a gateway's MCP endpoint, as AgentCore's own examples call it: a bare POST of tools/list or
// tools/call (no session), with the gateway's own credentials (a bearer token for CUSTOM_JWT gateways), never
// the console's admin token.

import { ownPath } from "./api.js";

export class McpError extends Error {
  constructor(status, message, raw) {
    super(message);
    this.status = status;
    this.raw = raw;
    this.type = `HTTP ${status}`;
  }
}

let nextId = 1;

/**
 * One JSON-RPC request; returns {request, response} with the parsed response (result or error member).
 * ``token``: a bearer token; ``sign(path, body)``: headers that sign the request (AWS_IAM gateways).
 */
export async function rpc(gatewayUrl, method, params, token, sign) {
  const request = { jsonrpc: "2.0", id: nextId++, method, params: params || {} };
  const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const path = ownPath(gatewayUrl);
  const body = JSON.stringify(request);
  if (sign) Object.assign(headers, await sign(path, body));
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers,
      body,
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    throw new McpError(0, `The gateway cannot be reached (${error.message}).`, "");
  }
  const text = await response.text();
  if (!response.ok) {
    const why = describe(response, text);
    throw new McpError(response.status, why, text);
  }
  return { request, response: parseBody(response, text) };
}

function describe(response, text) {
  const challenge = response.headers.get("www-authenticate") || "";
  const found = /error_description="([^"]*)"/.exec(challenge);
  if (response.status === 401) return `The gateway refused the request: ${found ? found[1] : "a valid token is required"}.`;
  if (response.status === 403) return `The gateway refused the token: ${found ? found[1] : text.slice(0, 300)}.`;
  return `The gateway answered HTTP ${response.status}: ${text.slice(0, 300)}`;
}

function parseBody(response, text) {
  const type = response.headers.get("content-type") || "";
  if (type.startsWith("text/event-stream")) {
    // The last "data:" line that holds the answer (a server may stream progress notifications first).
    const events = text.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim());
    for (const data of events.reverse()) {
      const message = JSON.parse(data);
      if ("result" in message || "error" in message) return message;
    }
    throw new McpError(response.status, "The gateway's event stream held no answer.", text);
  }
  return JSON.parse(text);
}

/** Every tool of the gateway (following nextCursor), or throws with the JSON-RPC error. */
export async function listTools(gatewayUrl, token, sign) {
  const tools = [];
  let cursor;
  for (let page = 0; page < 100; page += 1) {
    const { response } = await rpc(gatewayUrl, "tools/list", cursor ? { cursor } : {}, token, sign);
    if (response.error) throw new McpError(200, `tools/list failed: ${response.error.message}`, JSON.stringify(response));
    tools.push(...(response.result.tools || []));
    cursor = response.result.nextCursor;
    if (!cursor) break;
  }
  return tools;
}
