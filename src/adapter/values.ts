// Renders values the kit did not make (what an adapter threw or returned) for messages, and
// asks questions of them, without ever throwing and at a cost bounded by the message, not by
// the value: a Proxy that throws on every access, getters that throw, a list of a million
// items are all described in one short line.

import { clip } from './stdio/protocol.js';

/** Longest text quoted from a thrown value (an Error's message, a thrown string). */
const MAX_THROWN_TEXT = 1_000;

/**
 * A thrown value as one line: Error messages without stacks; strings, null and objects readable.
 * Never throws and stays short, whatever was thrown: a Proxy that throws on every access, an
 * object whose getters throw, a megabyte-long message.
 */
export function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error) {
      const name = String(value.name ?? '');
      const message = clip(String(value.message ?? ''), MAX_THROWN_TEXT);
      return `${name && name !== 'Error' ? `${clip(name, 100)}: ` : ''}${message || '(no message)'}`;
    }
    if (typeof value === 'string') return `threw the string ${JSON.stringify(clip(value, MAX_THROWN_TEXT))}`;
    if (value === null || value === undefined) return `threw ${String(value)}`;
    const text = rendered(value, SUMMARY_CHARS);
    return text === undefined ? `threw ${unreadable(value)}` : `threw a non-Error value ${text}`;
  } catch {
    return `threw ${unreadable(value)}`;
  }
}

/** Whether `value` is an instance of `type`, for values that may be hostile (a Proxy's getPrototypeOf trap may throw). */
export function isInstance<T>(value: unknown, type: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/**
 * A short, safe rendering of any value for messages: its JSON, cut to `max` characters. Never
 * throws, and costs about `max`, not the size of the value: only as much of it is read as the
 * summary can show (a list of a million items is not serialised to show its first few).
 */
export function summarise(value: unknown, max = SUMMARY_CHARS): string {
  return rendered(value, max) ?? unreadable(value);
}

const SUMMARY_CHARS = 120;

/** summarise's text, or undefined when reading the value threw. */
function rendered(value: unknown, max: number): string | undefined {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    if (typeof value === 'function') return `a function ${clip(String(value.name), 100) || '(anonymous)'}`;
    text = JSON.stringify(pruned(value, max, { left: max + 1 })) ?? String(value);
  } catch {
    return undefined;
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * The part of `value` a summary of `max` characters can show, as plain data: JSON.stringify of
 * it starts exactly as JSON.stringify of `value` would. Every item shown costs at least one
 * character, so reading `max + 1` items in all is enough.
 */
function pruned(value: unknown, max: number, budget: { left: number }): unknown {
  if (budget.left <= 0) return undefined;
  budget.left -= 1;
  if (typeof value === 'string') return value.length > max ? value.slice(0, max + 1) : value;
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return value;
  const toJson = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJson === 'function') return pruned(toJson.call(value), max, budget);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let i = 0; i < value.length && budget.left > 0; i++) items.push(pruned(value[i], max, budget));
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (budget.left <= 0) break;
    budget.left -= 1;
    out[key] = pruned((value as Record<string, unknown>)[key], max, budget);
  }
  return out;
}

/** How to name a value that cannot be read without throwing (a hostile Proxy, throwing getters, a cycle of toJSON calls). */
function unreadable(value: unknown): string {
  let kind: string;
  try {
    kind = typeof value === 'function' ? 'function' : Array.isArray(value) ? 'array' : typeof value;
  } catch {
    kind = 'object';
  }
  return `an unreadable ${kind} (reading it threw)`;
}
