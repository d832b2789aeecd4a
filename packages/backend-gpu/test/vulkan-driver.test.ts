import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vulkanDriverListed } from '../src/runtime/vulkan-driver';

describe.runIf(process.platform === 'linux')('vulkanDriverListed (Linux)', () => {
  let root: string;
  let emptyEnv: Record<string, string>;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nn-vulkan-'));
    // Every XDG directory and HOME point into the empty temp folder.
    emptyEnv = {
      HOME: root,
      XDG_CONFIG_HOME: root,
      XDG_CONFIG_DIRS: root,
      XDG_DATA_HOME: root,
      XDG_DATA_DIRS: root,
    };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Whether /etc/vulkan/icd.d (the one place not moved by the variables) lists a driver here. */
  function etcListsDriver(): boolean {
    try {
      return readdirSync('/etc/vulkan/icd.d').some((name) => name.endsWith('.json'));
    } catch {
      return false;
    }
  }

  it('finds no driver where no manifest directory has one', async () => {
    expect(await vulkanDriverListed(emptyEnv)).toBe(etcListsDriver());
  });

  it('finds a manifest in an XDG data directory', async () => {
    mkdirSync(join(root, 'share', 'vulkan', 'icd.d'), { recursive: true });
    writeFileSync(join(root, 'share', 'vulkan', 'icd.d', 'lvp_icd.x86_64.json'), '{}');
    const env = { ...emptyEnv, XDG_DATA_DIRS: `${root}/none:${root}/share` };
    expect(await vulkanDriverListed(env)).toBe(true);
  });

  it('ignores files that are not manifests', async () => {
    mkdirSync(join(root, 'vulkan', 'icd.d'), { recursive: true });
    writeFileSync(join(root, 'vulkan', 'icd.d', 'README'), '');
    expect(await vulkanDriverListed(emptyEnv)).toBe(etcListsDriver());
  });

  it('follows VK_ICD_FILENAMES and VK_DRIVER_FILES to existing files only', async () => {
    const manifest = join(root, 'swiftshader.json');
    writeFileSync(manifest, '{}');
    expect(await vulkanDriverListed({ ...emptyEnv, VK_ICD_FILENAMES: manifest })).toBe(true);
    expect(
      await vulkanDriverListed({ ...emptyEnv, VK_DRIVER_FILES: `${root}/missing.json:${manifest}` }),
    ).toBe(true);
    expect(await vulkanDriverListed({ ...emptyEnv, VK_DRIVER_FILES: `${root}/missing.json` })).toBe(
      etcListsDriver(),
    );
  });
});
