// On Linux, Dawn's hardware adapters come through Vulkan. Asking Dawn for an adapter on a machine whose
// Vulkan loader finds no driver only prints `vkCreateInstance: Found no drivers!` (or `Couldn't load
// Vulkan`) to stderr and answers nothing, so the automatic mode choice looks for a driver manifest first,
// where the loader looks: https://github.com/KhronosGroup/Vulkan-Loader/blob/main/docs/LoaderDriverInterface.md

/** The directories (each with a `vulkan/icd.d` inside) that the Linux Vulkan loader searches. */
function manifestRoots(env: Record<string, string | undefined>, home: string): string[] {
  const list = (value: string | undefined, fallback: string) => (value || fallback).split(':');
  return [
    env.XDG_CONFIG_HOME || `${home}/.config`,
    ...list(env.XDG_CONFIG_DIRS, '/etc/xdg'),
    '/etc',
    env.XDG_DATA_HOME || `${home}/.local/share`,
    ...list(env.XDG_DATA_DIRS, '/usr/local/share:/usr/share'),
  ].filter((dir) => dir !== '');
}

/**
 * Whether a WebGPU adapter from Dawn can be worth asking for without a Vulkan warning: true off Linux,
 * and on Linux when the Vulkan loader has a driver manifest (named by `VK_DRIVER_FILES` /
 * `VK_ICD_FILENAMES` / `VK_ADD_DRIVER_FILES`, or a `*.json` in one of its `vulkan/icd.d` directories).
 */
export async function vulkanDriverListed(
  env: Record<string, string | undefined> = process.env,
): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  // Variable specifiers keep bundlers from pulling Node built-ins into browser builds.
  const fsName = 'node:fs';
  const osName = 'node:os';
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs');
  const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
  const named = [env.VK_DRIVER_FILES, env.VK_ICD_FILENAMES, env.VK_ADD_DRIVER_FILES]
    .flatMap((value) => (value ? value.split(':') : []))
    .filter((file) => file !== '');
  if (named.some((file) => fs.existsSync(file))) return true;
  return manifestRoots(env, env.HOME || os.homedir()).some((root) => {
    try {
      return fs.readdirSync(`${root}/vulkan/icd.d`).some((name) => name.endsWith('.json'));
    } catch {
      return false;
    }
  });
}
