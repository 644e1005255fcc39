// Test tokens. The mock reads a token's claims and has no keys to check a signature with, so a
// test token is an unsigned JWT. It carries Graph's audience unless the claims say otherwise
// (`aud: undefined` leaves the claim out), since a token for another audience is refused.

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

/** An unsigned JWT with these claims, `aud` defaulting to Graph's. */
export function bearerToken(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud: GRAPH_AUDIENCE, ...claims })}.unsigned`;
}

/** `Bearer <bearerToken(claims)>`, an Authorization header's value. */
export const bearer = (claims: Record<string, unknown>): string => `Bearer ${bearerToken(claims)}`;
