import { randomBytes } from 'node:crypto';

// Graph's request-id is a GUID. One random UUID per request costs more than the rest of a simple
// read's bookkeeping, so ids share a random version-4 prefix drawn at startup and end in a
// 48-bit counter: unique within the process, and across processes as long as the prefixes
// differ (74 random bits).

export function requestIdGenerator(): () => string {
  const hex = randomBytes(10).toString('hex');
  const variant = ((parseInt(hex.slice(15, 16), 16) & 0x3) | 0x8).toString(16);
  const prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-${variant}${hex.slice(16, 19)}-`;
  let counter = 0;
  return () => {
    counter = (counter + 1) % 0x1000000000000;
    return prefix + counter.toString(16).padStart(12, '0');
  };
}
