import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const appsDir = fileURLToPath(new URL('../../apps/', import.meta.url));
const examples = readFileSync(new URL('../guide/examples.md', import.meta.url), 'utf8');
const home = readFileSync(new URL('../index.md', import.meta.url), 'utf8');

describe('the examples page and the home page', () => {
  const apps = readdirSync(appsDir).filter((dir) => existsSync(join(appsDir, dir, 'package.json')));

  it.each(apps)('examples.md lists apps/%s with how to run it', (app) => {
    const row = examples.split('\n').find((line) => line.startsWith(`| \`apps/${app}\` |`));
    expect(row, `no row for apps/${app} in docs/guide/examples.md`).toBeDefined();
    const name = (JSON.parse(readFileSync(join(appsDir, app, 'package.json'), 'utf8')) as { name: string })
      .name;
    // the run column names the package (or `pnpm start`, the root script for apps/mnist)
    expect(row!.includes(name) || (app === 'mnist' && row!.includes('`pnpm start`'))).toBe(true);
  });

  it('links the playground row and the home page to Try it', () => {
    expect(examples).toMatch(/\| `apps\/playground` \|.*\(\.\.\/try-it\.md\)/);
    expect(home).toMatch(/link: \/try-it/);
  });
});
