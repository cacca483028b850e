// Client secrets the console has just been shown (quick create, rotation), kept in this page's memory only:
// never in storage, gone on reload. The server shows a secret once; the console shows it until the user
// forgets it or leaves, so that the try-it panel can get a token with it.

const known = new Map();

export function remember(gatewayId, client) {
  known.set(gatewayId, { clientId: client.clientId, clientSecret: client.clientSecret });
}

export function recall(gatewayId) {
  return known.get(gatewayId) || null;
}

export function forget(gatewayId) {
  known.delete(gatewayId);
}
