// Capability names a check or requirement can need, and whether an adapter claims one.
// Built from the contract's capability tables so every part of the kit agrees.

import { CAPABILITY_FLAGS, PROFILES, type Capabilities, type Profile } from '../adapter/contract.js';
import type { Need } from './check.js';

type Flag = (typeof CAPABILITY_FLAGS)[number];

export const NEEDS: readonly Need[] = [...CAPABILITY_FLAGS, ...PROFILES.map((p) => `profile:${p}` as const)];

export function isNeed(value: unknown): value is Need {
  return typeof value === 'string' && (NEEDS as readonly string[]).includes(value);
}

export function isClaimed(need: Need, caps: Capabilities): boolean {
  if (need.startsWith('profile:')) return caps.profiles.includes(need.slice('profile:'.length) as Profile);
  return caps[need as Flag] === true;
}

/** The needs in `needs` that `caps` does not claim. */
export function unclaimed(needs: readonly Need[] | undefined, caps: Capabilities): Need[] {
  return (needs ?? []).filter((n) => !isClaimed(n, caps));
}
