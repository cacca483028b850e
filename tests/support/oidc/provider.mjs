// An independent OpenID provider for gatewright's identity tests: the npm package `oidc-provider` on 127.0.0.1.
//
// Usage: node provider.mjs MODULES_DIR   (MODULES_DIR is where tests/support/oidc/setup installed oidc-provider)
// The first line of stdin is the JSON configuration (below). When stdin closes (the test process went away) the
// provider exits, so it never outlives its tests. When listening, one JSON line goes to stdout:
// {"issuer": "http://127.0.0.1:PORT", "port": PORT}. Diagnostics go to stderr; tokens and secrets are never printed.
//
// Configuration:
//   port            TCP port on 127.0.0.1; 0 picks a free one (reported on stdout)
//   clients         [{client_id, client_secret, scope: "a b/c", ttl}]: registered as client_secret_basic, which
//                   oidc-provider treats as interchangeable with client_secret_post (the secret in HTTP Basic or in
//                   the form). scope: the scopes the client may ask for. ttl: its access token lifetime in seconds.
//   default_resource  audience of tokens when the client sends no `resource` (RFC 8707); any absolute URI the
//                   client sends as `resource` becomes the audience instead
//   access_token_ttl  default access token lifetime in seconds
//   alg             RS256 (default) or ES256: the JWS algorithm of access tokens
//   admin_token     bearer token for the admin endpoint
//
// Access tokens are JWTs (typ at+jwt, header `kid`) with iss, sub (= client_id), client_id, scope, aud, exp, iat,
// jti. Discovery is at /.well-known/openid-configuration, keys at /jwks, tokens at /token.
//
// Key rotation: POST /__admin/rotate with `Authorization: Bearer <admin_token>` generates a new RSA and EC key pair
// and serves a fresh oidc-provider instance with the new keys first: new tokens carry the new `kid`, and the JWKS
// still publishes the previous keys so tokens already issued stay valid. With `?retire=1` the previous keys are
// dropped from the JWKS (tokens signed with them can no longer be verified). Answers {"kids": {"RS256", "ES256"},
// "jwks_kids": [...]}. oidc-provider has no runtime key API; swapping the instance on the same port is how it
// rotates without a restart.

import { generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const modulesDir = process.argv[2];
if (!modulesDir) {
  console.error('usage: node provider.mjs MODULES_DIR < config.json');
  process.exit(2);
}
const requireFromModules = createRequire(resolve(modulesDir, 'package.json'));
const { default: Provider } = await import(pathToFileURL(requireFromModules.resolve('oidc-provider')).href);

const config = await readConfig();
const clients = config.clients.map(toClientMetadata);
const ttls = new Map(config.clients.filter((c) => c.ttl).map((c) => [c.client_id, c.ttl]));
const allScopes = [...new Set(clients.flatMap((c) => (c.scope ? c.scope.split(' ') : [])))];
const defaultTtl = config.access_token_ttl ?? 300;
const alg = config.alg ?? 'RS256';
const adminToken = Buffer.from(config.admin_token ?? randomBytes(24).toString('hex'));

let generation = 0;
let keys = newKeys();
let handler = null;

const server = createServer((req, res) => {
  if (req.url.startsWith('/__admin/')) {
    admin(req, res);
  } else {
    handler(req, res);
  }
});
server.listen(config.port ?? 0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  config.issuer = issuer;
  handler = buildProvider(issuer, keys).callback();
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
});

function readConfig() {
  const lines = createInterface({ input: process.stdin });
  return new Promise((resolve) => {
    lines.once('line', (line) => resolve(JSON.parse(line)));
    // The test process holds stdin open for as long as it wants the provider; end of stdin means stop.
    process.stdin.on('end', () => process.exit(0));
  });
}

function toClientMetadata(client) {
  return {
    client_id: client.client_id,
    client_secret: client.client_secret,
    scope: client.scope || undefined,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

function newKeys() {
  generation += 1;
  const suffix = randomBytes(4).toString('hex');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return [
    { ...rsa, kid: `rsa-${generation}-${suffix}`, alg: 'RS256', use: 'sig' },
    { ...ec, kid: `ec-${generation}-${suffix}`, alg: 'ES256', use: 'sig' },
  ];
}

function ttlFor(client) {
  return ttls.get(client?.clientId) ?? defaultTtl;
}

function buildProvider(issuer, jwks) {
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: jwks },
    scopes: allScopes,
    cookies: { keys: [randomBytes(32).toString('hex')] },
    clientBasedCORS: () => false,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => config.default_resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resourceIndicator, client) => ({
          scope: allScopes.join(' '),
          audience: resourceIndicator,
          accessTokenFormat: 'jwt',
          accessTokenTTL: ttlFor(client),
          jwt: { sign: { alg } },
        }),
      },
    },
    ttl: {
      AccessToken: (ctx, token, client) => ttlFor(client),
      ClientCredentials: (ctx, token, client) => ttlFor(client),
    },
  });
  provider.on('server_error', (ctx, err) => console.error(`oidc-provider server_error: ${err.stack ?? err}`));
  return provider;
}

function admin(req, res) {
  const url = new URL(req.url, config.issuer);
  const given = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  const allowed = given.length === adminToken.length && timingSafeEqual(given, adminToken);
  res.setHeader('content-type', 'application/json');
  if (!allowed) {
    res.writeHead(401).end('{"error":"unauthorized"}');
  } else if (req.method !== 'POST' || url.pathname !== '/__admin/rotate') {
    res.writeHead(404).end('{"error":"not_found"}');
  } else {
    const fresh = newKeys();
    keys = url.searchParams.get('retire') === '1' ? fresh : [...fresh, ...keys];
    handler = buildProvider(config.issuer, keys).callback();
    const kids = { RS256: fresh[0].kid, ES256: fresh[1].kid };
    res.writeHead(200).end(JSON.stringify({ kids, jwks_kids: keys.map((k) => k.kid) }));
  }
}
