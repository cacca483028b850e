// Ready-to-run snippets for a gateway: get a token (when the gateway wants one) and list the tools.

const LIST = '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}';

function sh(value) {
  return `'${String(value).replace(/'/g, "'\\''")}'`;
}

function py(value) {
  return JSON.stringify(String(value));
}

/** {curl, python} for ``gateway`` (GetGateway) with ``conn``: {tokenEndpoint, clientId, clientSecret, scope}. */
export function snippets(gateway, conn) {
  const url = gateway.gatewayUrl;
  if (gateway.authorizerType === "CUSTOM_JWT") return jwtSnippets(url, conn);
  if (gateway.authorizerType === "AWS_IAM") return iamSnippets(url, gateway.gatewayArn.split(":")[3]);
  return {
    curl: `curl -s -X POST ${sh(url)} \\\n  -H 'Content-Type: application/json' \\\n  -d '${LIST}'`,
    python: [
      "import json",
      "import requests",
      "",
      `GATEWAY_URL = ${py(url)}`,
      "",
      'response = requests.post(GATEWAY_URL, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}})',
      "print(response.status_code)",
      "print(json.dumps(response.json(), indent=2))",
    ].join("\n"),
  };
}

function jwtSnippets(url, conn) {
  const secret = conn.clientSecret || "<client secret: rotate it on the gateway's page to see a new one>";
  const endpoint = conn.tokenEndpoint || "<your provider's token endpoint>";
  const clientId = conn.clientId || "<client id>";
  return {
    curl: [
      `export CLIENT_ID=${sh(clientId)}`,
      `export CLIENT_SECRET=${sh(secret)}`,
      `TOKEN=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials ${sh(endpoint)} \\`,
      `  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')`,
      `curl -s -X POST ${sh(url)} \\`,
      "  -H 'Content-Type: application/json' \\",
      '  -H "Authorization: Bearer $TOKEN" \\',
      `  -d '${LIST}'`,
    ].join("\n"),
    python: [
      '"""Get a token with the client-credentials grant, then list the gateway\'s tools."""',
      "import json",
      "import os",
      "",
      "import requests",
      "",
      `TOKEN_ENDPOINT = ${py(endpoint)}`,
      `GATEWAY_URL = ${py(url)}`,
      `CLIENT_ID = os.environ.get("CLIENT_ID", ${py(clientId)})`,
      `CLIENT_SECRET = os.environ.get("CLIENT_SECRET", ${py(secret)})`,
      "",
      "token = requests.post(",
      "    TOKEN_ENDPOINT,",
      "    auth=(CLIENT_ID, CLIENT_SECRET),",
      '    data={"grant_type": "client_credentials"},',
      "    timeout=30,",
      ').json()["access_token"]',
      "response = requests.post(",
      "    GATEWAY_URL,",
      '    headers={"Authorization": f"Bearer {token}"},',
      '    json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}},',
      "    timeout=30,",
      ")",
      "print(response.status_code)",
      "print(json.dumps(response.json(), indent=2))",
    ].join("\n"),
  };
}

function iamSnippets(url, region) {
  return {
    curl: [
      "# A key pair from `gatewright iam create-key`; curl signs with SigV4 (curl 7.75 or newer).",
      `curl -s -X POST ${sh(url)} \\`,
      `  --aws-sigv4 'aws:amz:${region}:bedrock-agentcore' \\`,
      '  --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \\',
      "  -H 'Content-Type: application/json' \\",
      `  -d '${LIST}'`,
    ].join("\n"),
    python: [
      '"""List the tools of an AWS_IAM gateway: SigV4 with a key pair from `gatewright iam create-key`."""',
      "import json",
      "import os",
      "",
      "import requests",
      "from botocore.auth import SigV4Auth",
      "from botocore.awsrequest import AWSRequest",
      "from botocore.credentials import Credentials",
      "",
      `GATEWAY_URL = ${py(url)}`,
      'credentials = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])',
      'body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}})',
      'request = AWSRequest("POST", GATEWAY_URL, data=body, headers={"Content-Type": "application/json"})',
      `SigV4Auth(credentials, "bedrock-agentcore", ${py(region)}).add_auth(request)`,
      "response = requests.post(GATEWAY_URL, data=body, headers=dict(request.headers), timeout=30)",
      "print(json.dumps(response.json(), indent=2))",
    ].join("\n"),
  };
}
