import { getBackend } from '..';

type ReadMember = 'read' | 'readSync';

/**
 * Runs `fn` (synchronous: ops are) while counting reads of `device`'s memory to the host through its
 * backend. Ops must not read device data (design: data leaves a device only through
 * `data()`/`dataSync()`), so a kernel that does shows up as a nonzero count.
 */
export function countHostReads<T>(device: string, fn: () => T): { result: T; reads: number } {
  // The backend object itself is patched (not replaced by a wrapper), so kernels holding it, or class
  // backends using private fields, keep working; its own properties are restored afterwards.
  const backend = getBackend(device) as unknown as Record<ReadMember, unknown>;
  const members = (['read', 'readSync'] as const).filter((m) => typeof backend[m] === 'function');
  const saved = members.map((m) => ({ m, own: Object.hasOwn(backend, m), value: backend[m] }));
  let reads = 0;
  for (const { m, value } of saved) {
    const original = value as (...args: unknown[]) => unknown;
    backend[m] = (...args: unknown[]) => {
      reads++;
      return original.apply(backend, args);
    };
  }
  try {
    const result = fn();
    return { result, reads };
  } finally {
    for (const { m, own, value } of saved) {
      if (own) backend[m] = value;
      else delete backend[m];
    }
  }
}
