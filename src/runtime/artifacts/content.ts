// File contents as the PSG keeps them: bytes stored as base64 strings (JSON-safe), named by
// their sha256.

import { createHash } from 'node:crypto';

export function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export const toStored = (content: Buffer): string => content.toString('base64');
export const fromStored = (stored: string): Buffer => Buffer.from(stored, 'base64');

/** The text of a file for line merging, or undefined when the bytes are not valid UTF-8. */
export function textOf(content: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return undefined;
  }
}
