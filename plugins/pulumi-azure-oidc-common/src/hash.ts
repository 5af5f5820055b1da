/**
 * FNV-1a, 32 bits, as 8 hex digits: a short, stable fingerprint for names
 * that must stay the same from one run to the next. Not for security.
 */
export function fingerprint(value: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(value)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
