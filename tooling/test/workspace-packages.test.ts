import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicPackages, withDependents } from '../scripts/lib/workspace-packages.mjs';

const pkg = (name: string, manifest: Record<string, unknown> = {}) => ({
  name,
  manifest: { name, ...manifest },
});
const graph = [
  pkg('@nn/tensor'),
  pkg('@nn/autograd', { dependencies: { '@nn/tensor': 'workspace:*' } }),
  pkg('@nn/nn', { dependencies: { '@nn/tensor': 'workspace:*', '@nn/autograd': 'workspace:*' } }),
  pkg('@nn/train', { dependencies: { '@nn/nn': 'workspace:*' } }),
  pkg('@nn/data', { dependencies: { '@nn/tensor': 'workspace:*' }, devDependencies: { '@nn/nn': '*' } }),
  pkg('@nn/backend-gpu', { peerDependencies: { '@nn/autograd': 'workspace:*' } }),
];

describe('withDependents', () => {
  it('adds every package that reaches a named one through run-time dependencies, transitively', () => {
    expect([...withDependents(graph, ['@nn/autograd'])].sort()).toEqual([
      '@nn/autograd',
      '@nn/backend-gpu',
      '@nn/nn',
      '@nn/train',
    ]);
  });

  it('ignores devDependencies (they are not published)', () => {
    expect([...withDependents(graph, ['@nn/nn'])].sort()).toEqual(['@nn/nn', '@nn/train']);
  });
});

describe('publicPackages', () => {
  it('lists every non-private package under packages/ from the workspace itself', () => {
    const root = resolve(import.meta.dirname, '../..');
    const expected = readdirSync(join(root, 'packages'))
      .map((dir) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')))
      .filter((manifest) => !manifest.private)
      .map((manifest) => manifest.name)
      .sort();
    const listed = publicPackages(root);
    expect(listed.map((p: { name: string }) => p.name).sort()).toEqual(expected);
    expect(listed.every((p: { private: boolean }) => !p.private)).toBe(true);
  });
});
