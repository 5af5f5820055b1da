import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

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

/**
 * The first 64 bits of SHA-256, as 16 hex digits: for names somebody might
 * try to collide with on purpose, such as catalog entity names, where the
 * 32 bits of `fingerprint` can be matched by search. (Resource logical
 * names keep `fingerprint`: changing them would replace live resources.)
 */
export function strongFingerprint(value: string): string {
  return bytesToHex(sha256(utf8ToBytes(value))).slice(0, 16);
}
