import { ValueError } from '../../../kernel/errors';
import { canGenerateCode } from './capabilities';
import { closureFunction } from './closure-compiler';

/** How the CPU kernels turn their generated source into functions. */
export interface CodegenSettings {
  /**
   * `'auto'`: `new Function` where the host allows it (the fastest loops), else the eval-free closure
   * compiler. `'closures'`: always the eval-free compiler, e.g. so a page under a strict
   * Content-Security-Policy never probes `new Function` (the browser reports each refusal).
   */
  readonly functions: 'auto' | 'closures';
}

let current: CodegenSettings = { functions: 'auto' };
const caches: Map<unknown, unknown>[] = [];

/**
 * Reads the settings, after applying `update` when given; returns the settings in force. Changing them
 * empties every {@link generatedCache}, so later calls compile under the new settings.
 *
 * @example
 * ```ts
 * codegenSettings({ functions: 'closures' }); // never call new Function, even where allowed
 * ```
 */
export function codegenSettings(update: Partial<CodegenSettings> = {}): CodegenSettings {
  const next = { ...current, ...update };
  for (const key of Object.keys(update)) {
    if (key !== 'functions') {
      throw new ValueError('codegenSettings', `unknown setting '${key}'; the settings are: functions`);
    }
  }
  if (next.functions !== 'auto' && next.functions !== 'closures') {
    throw new ValueError(
      'codegenSettings',
      `functions must be 'auto' or 'closures', got ${JSON.stringify(next.functions)}`,
    );
  }
  if (next.functions !== current.functions) for (const cache of caches) cache.clear();
  current = next;
  return current;
}

/** A cache of generated functions, emptied when {@link codegenSettings} change how they are built. */
export function generatedCache<K, V>(): Map<K, V> {
  const cache = new Map<K, V>();
  caches.push(cache as Map<unknown, unknown>);
  return cache;
}

/**
 * `new Function(...params, body)` where code generation is allowed (and not switched off), else the same
 * source compiled by the eval-free closure compiler: identical results, slower loops.
 */
export function generateFunction(params: readonly string[], body: string): (...args: unknown[]) => unknown {
  if (current.functions === 'auto' && canGenerateCode()) {
    return new Function(...params, body) as (...args: unknown[]) => unknown;
  }
  return closureFunction(params, body);
}
