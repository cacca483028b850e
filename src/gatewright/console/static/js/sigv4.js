// SigV4 signing of one MCP request (service bedrock-agentcore) with WebCrypto, for the try-it panel of AWS_IAM
// gateways. The request goes to this origin, so the signed host is the page's host.

const encoder = new TextEncoder();

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256(text) {
  return hex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

async function hmac(key, message) {
  const imported = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, encoder.encode(message)));
}

/** The X-Amz-Date and Authorization headers for POST ``path`` with ``body`` (a string). */
export async function signedHeaders({ url, body, region, accessKeyId, secretAccessKey, service = "bedrock-agentcore" }) {
  if (!globalThis.crypto?.subtle) throw new Error("signing needs a secure context: open the console over HTTPS or on localhost.");
  const path = encodeURI(url.split("?")[0]);
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
  const date = amzDate.slice(0, 8);
  const canonical = ["POST", path, "", `host:${location.host}\nx-amz-date:${amzDate}\n`, "host;x-amz-date", await sha256(body)].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, await sha256(canonical)].join("\n");
  let key = await hmac(encoder.encode(`AWS4${secretAccessKey}`), date);
  for (const part of [region, service, "aws4_request"]) key = await hmac(key, part);
  const signature = hex(await hmac(key, toSign));
  return {
    "X-Amz-Date": amzDate,
    Authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=host;x-amz-date, Signature=${signature}`,
  };
}
