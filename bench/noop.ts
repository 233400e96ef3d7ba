// The per-step work every executor awaits: an async call that does nothing. An optional
// hook runs every `every` calls so the memory pass can sample heap use mid-run.

export type Noop = (arg: unknown) => Promise<undefined>;

export function makeNoop(hook?: () => void, every = 256): Noop {
  if (!hook) return async () => undefined;
  let calls = 0;
  return async () => {
    if (++calls % every === 0) hook();
    return undefined;
  };
}
