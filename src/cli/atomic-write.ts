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
  /** Writes at `position`, or at the file's current position when it is null. */
  write: (fd: number, data: Uint8Array, offset: number, length: number, position: number | null) => number;
  rename: (from: string, to: string) => void;
}

const nodeOps: WriteOps = {
  write: (fd, data, offset, length, position) => writeSync(fd, data, offset, length, position),
  rename: renameSync,
};

/** The temporary file while it is written: bytes appended in order, or placed at a position already written. */
export interface AtomicFile {
  append(bytes: Uint8Array): void;
  patch(position: number, bytes: Uint8Array): void;
}

/** Writes `data` to `file` atomically, creating its directory. Failure: INPUT_UNREADABLE naming the file. */
export function writeFileAtomic(file: string, data: Uint8Array | string, ops: WriteOps = nodeOps): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  writeFileAtomicWith(file, (out) => out.append(bytes), ops);
}

/**
 * Writes `file` atomically from what `fill` writes into it piece by piece (a file too large to hold
 * in memory at once). Whatever `fill` throws removes the temporary file and leaves `file` as it was.
 */
export function writeFileAtomicWith<T>(file: string, fill: (out: AtomicFile) => T, ops: WriteOps = nodeOps): T {
  const dir = dirname(file);
  // Hidden, and unique per process and call, so parallel builds never share a temporary file.
  const temp = join(dir, `.${basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(temp, 'wx');
    const opened = fd;
    const writeAll = (bytes: Uint8Array, position: number | null) => {
      for (let at = 0; at < bytes.length;) {
        const written = ops.write(opened, bytes, at, bytes.length - at, position === null ? null : position + at);
        at += written;
      }
    };
    const result = fill({ append: (bytes) => writeAll(bytes, null), patch: (position, bytes) => writeAll(bytes, position) });
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    ops.rename(temp, file);
    return result;
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
