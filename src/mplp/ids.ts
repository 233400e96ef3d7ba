import * as crypto from 'node:crypto';
import { createHash, randomFillSync } from 'node:crypto';

/** Lowercase UUID v4 (digest §1.1): the only id form the kit accepts or generates. */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isUuidV4(value: unknown): value is string {
  return typeof value === 'string' && UUID_V4.test(value);
}

/** Makes ids. Runtimes take one so runs can be deterministic. */
export interface IdSource {
  next(): string;
  /**
   * Optional: makes the next id as its 16 bytes at target[offset..offset+16) instead of as
   * text, for stores that keep ids as bytes and format them (formatUuid) only when read (the
   * runtime's event log). Takes one id from the source, as next() does.
   */
  fill?(target: Uint8Array, offset: number): void;
}

const HEX_DIGITS = '0123456789abcdef';
/** Where each byte's two hex digits go in the 36-character form. */
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const text = Buffer.alloc(36, '-');

/**
 * The lowercase 8-4-4-4-12 text of the 16 bytes at bytes[o..o+16), as one flat string (a
 * chain of concatenations would keep twenty string objects alive for every stored id).
 */
export function formatUuid(b: Uint8Array, o = 0): string {
  for (let k = 0; k < 16; k++) {
    const x = b[o + k]!;
    text[AT[k]!] = HEX_DIGITS.charCodeAt(x >> 4);
    text[AT[k]! + 1] = HEX_DIGITS.charCodeAt(x & 15);
  }
  return text.toString('latin1', 0, 36);
}

/** Random v4 ids from a pool of random bytes refilled 256 ids at a time: one system call per 256 ids. */
class RandomIds implements IdSource {
  private readonly pool = new Uint8Array(16 * 256);
  private at = this.pool.length;

  fill(target: Uint8Array, offset: number): void {
    if (this.at === this.pool.length) {
      randomFillSync(this.pool);
      this.at = 0;
    }
    const p = this.pool, a = this.at;
    for (let k = 0; k < 16; k++) target[offset + k] = p[a + k]!;
    target[offset + 6] = (p[a + 6]! & 0x0f) | 0x40;
    target[offset + 8] = (p[a + 8]! & 0x3f) | 0x80;
    this.at = a + 16;
  }

  private readonly one = new Uint8Array(16);
  next(): string {
    this.fill(this.one, 0);
    return formatUuid(this.one);
  }
}

export const randomIds: IdSource = new RandomIds();

/** Formats 16 bytes as a v4 UUID (version and variant nibbles forced). */
export function bytesToUuidV4(bytes: Uint8Array): string {
  const b = Uint8Array.from(bytes.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return formatUuid(b);
}

/** One-shot SHA-256 (Node 20.12+), about twice as fast as a Hash object; the same digest. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;

/** Deterministic v4-shaped id for a name within a namespace (golden-flow expansion, replays). */
export function nameToUuidV4(namespace: string, name: string): string {
  const digest = oneShot ? oneShot('sha256', `${namespace}\0${name}`, 'buffer') : createHash('sha256').update(namespace).update('\0').update(name).digest();
  return bytesToUuidV4(digest);
}

/** Deterministic id sequence: same seed, same ids. */
export function seededIds(seed: string | number): IdSource {
  let counter = 0;
  const ns = `seed:${seed}`;
  return { next: () => nameToUuidV4(ns, String(counter++)) };
}
