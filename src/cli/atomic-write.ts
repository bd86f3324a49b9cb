/**
 * Writes a file whole or not at all: the data goes to a temporary file in the target's directory
 * (same file system, so the rename is atomic), is flushed to disk, then renamed over the target. A
 * failed write (a full disk) leaves the previous file as it was and no half-written file behind;
 * a reader (a web server serving the bundle) sees the old file or the new one, never a mix.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { VitrineError } from '../shared/errors.ts';

/** The file operations used, replaceable in tests to simulate a failing disk. */
export interface WriteOps {
  write: (fd: number, data: Uint8Array, offset: number, length: number) => number;
  rename: (from: string, to: string) => void;
}

const nodeOps: WriteOps = {
  write: (fd, data, offset, length) => writeSync(fd, data, offset, length),
  rename: renameSync,
};

/** Writes `data` to `file` atomically, creating its directory. Failure: INPUT_UNREADABLE naming the file. */
export function writeFileAtomic(file: string, data: Uint8Array | string, ops: WriteOps = nodeOps): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const dir = dirname(file);
  // Hidden, and unique per process and call, so parallel builds never share a temporary file.
  const temp = join(dir, `.${basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(temp, 'wx');
    for (let at = 0; at < bytes.length;) at += ops.write(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    ops.rename(temp, file);
  } catch (error) {
    try {
      if (fd !== undefined) closeSync(fd);
      rmSync(temp, { force: true });
    } catch {
      // The write's own error is the one to report; a temporary file that cannot be removed is hidden.
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new VitrineError('INPUT_UNREADABLE', `cannot write ${file}: ${reason} (any previous ${basename(file)} is unchanged)`, { file });
  }
}
