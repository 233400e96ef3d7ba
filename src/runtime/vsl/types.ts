// Seed §3.2: the Value State Layer. get/set are async; transaction is optional and
// commits all of its writes or none of them.

export interface VslTx {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export interface ValueStateLayer extends VslTx {
  transaction?<T>(fn: (tx: VslTx) => Promise<T>): Promise<T>;
}

/** Writes the entries atomically when the backend can, in order otherwise. */
export async function writeAll(vsl: ValueStateLayer, entries: readonly (readonly [string, unknown])[]): Promise<void> {
  if (entries.length === 0) return;
  if (vsl.transaction && entries.length > 1) {
    await vsl.transaction(async (tx) => {
      for (const [k, v] of entries) await tx.set(k, v);
    });
    return;
  }
  for (const [k, v] of entries) await vsl.set(k, v);
}
