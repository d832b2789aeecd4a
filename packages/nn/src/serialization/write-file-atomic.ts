import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { chmod, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { NNError } from '@nn/tensor';

/** `<target>.<pid>-<12 hex>.tmp`: the temporary files {@link writeFileAtomic} writes next to a target. */
const TEMP_NAME = /^(.+)\.(\d+)-[0-9a-f]{12}\.tmp$/;

const errorCode = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/** Whether process `pid` runs (EPERM: it does, as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** The file a write to `path` lands in: a symlink's (final) target, as opening the path would. */
async function resolveTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return path;
    throw error;
  }
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Deletes temporary files of `base` left by saves whose process is gone (killed mid-write). */
async function removeStaleTemps(dir: string, base: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const match = TEMP_NAME.exec(name);
    if (match && match[1] === base && !isRunning(Number(match[2])))
      await rm(join(dir, name), { force: true });
  }
}

/** fsyncs a directory so a rename in it survives a power cut (a no-op where directories cannot be opened). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Windows cannot open or fsync a directory; its renames are durable once they return.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EACCES'].includes(String(errorCode(error)))) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces the file at `path` with `bytes` the way `torch.save` treats the path, but atomically: a symlink is
 * written through to its target, a read-only file is refused, and the bytes go to a temporary file in the
 * same directory that is fsynced, given the old file's mode and renamed over the target, then the directory
 * is fsynced. Temporary files that a killed save of the same target left behind are removed first.
 */
export async function writeFileAtomic(op: string, path: string, bytes: Uint8Array): Promise<void> {
  const target = await resolveTarget(path);
  const existing = await statOrUndefined(target);
  if (existing?.isDirectory()) throw new NNError(op, `${path} is a directory; give a file path`);
  const mode = existing === undefined ? undefined : existing.mode & 0o777;
  if (mode !== undefined && (mode & 0o222) === 0) {
    throw new NNError(
      op,
      `${path} is read-only (mode ${mode.toString(8)}); make it writable (chmod u+w) or save to another path`,
    );
  }
  const dir = dirname(target);
  const base = basename(target);
  await removeStaleTemps(dir, base);
  const temp = join(dir, `${base}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      if (mode !== undefined) await chmod(temp, mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}
