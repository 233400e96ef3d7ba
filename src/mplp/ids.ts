import { createHash, randomUUID } from 'node:crypto';

/** Lowercase UUID v4 (digest §1.1): the only id form the kit accepts or generates. */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isUuidV4(value: unknown): value is string {
  return typeof value === 'string' && UUID_V4.test(value);
}

/** Makes ids. Runtimes take one so runs can be deterministic. */
export interface IdSource {
  next(): string;
}

export const randomIds: IdSource = { next: () => randomUUID() };

/** Formats 16 bytes as a v4 UUID (version and variant nibbles forced). */
export function bytesToUuidV4(bytes: Uint8Array): string {
  const b = Uint8Array.from(bytes.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Deterministic v4-shaped id for a name within a namespace (golden-flow expansion, replays). */
export function nameToUuidV4(namespace: string, name: string): string {
  return bytesToUuidV4(createHash('sha256').update(namespace).update('\0').update(name).digest());
}

/** Deterministic id sequence: same seed, same ids. */
export function seededIds(seed: string | number): IdSource {
  let counter = 0;
  const ns = `seed:${seed}`;
  return { next: () => nameToUuidV4(ns, String(counter++)) };
}
