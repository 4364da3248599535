// Creating an output folder and its parents one level at a time. Node's mkdirSync({ recursive })
// retries forever where mkdir fails with ENOENT under an existing parent (/proc), so poolsim walks
// the path itself and turns every failure into a message about the option that named the folder.
import { lstatSync, mkdirSync, realpathSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { InputError } from '../scenario/errors.js';

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENOENT: 'this location does not allow new folders',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name exists',
  ENAMETOOLONG: 'the name is too long',
  EDQUOT: 'disk quota exceeded',
};

/** A human reason for a file-system error code. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code ? `${WHY[code] ?? (e as Error).message.split(',')[0]} (${code})` : String((e as Error)?.message ?? e);
}

/** An output location that cannot be used, reported against the option that named it (exit 2). */
export function outputError(option: string, path: string, message: string): InputError {
  return new InputError([{ file: option, line: 0, column: 0, path: '', message: `cannot write to '${path}': ${message}` }]);
}

/**
 * Refuse an output file named by `option` that is an existing folder (`--out results/`), or no name at
 * all (`--junit "$JUNIT"` with JUNIT unset), saying so and naming a file to give instead (`example`),
 * before anything is read or run: a write there fails late with EISDIR or ENOENT, and a staged write
 * names the folder above it.
 */
export function refuseFolderAsFile(option: string, path: string, example: string): void {
  if (path.trim() === '') throw outputError(option, path, `expected a file name, e.g. ${example}`);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    isDir = false;
  }
  if (isDir) throw outputError(option, path, `it is a folder: name a file in it, e.g. ${example}`);
  // A name ending in a separator is a folder's even before it exists: the write would drop the '/'.
  if (path.endsWith('/') || (sep === '\\' && path.endsWith('\\'))) {
    throw outputError(option, path, `it ends in '/', which names a folder: name a file, e.g. ${example}`);
  }
}

/** Make `path` and any missing parents; throws InputError naming `option` (and `shown`, the path the user gave) when it cannot. */
export function ensureDir(path: string, option: string, shown = path): void {
  const missing: string[] = [];
  let p = resolve(path);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(option, shown, `${p}: ${fsReason(e)}`);
      missing.push(p);
      const up = dirname(p);
      if (up === p) throw outputError(option, shown, 'no existing folder above it');
      p = up;
      continue;
    }
    if (!isDir) throw outputError(option, shown, `${p} is a file, not a folder`);
    break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      throw outputError(option, shown, `cannot create folder ${dir}: ${fsReason(e)}`);
    }
  }
}

/**
 * Check, before a long run, that `path` could be created or written (nothing is left behind): its
 * deepest existing folder must be a folder that takes a new entry.
 */
export function checkWritableDir(path: string, option: string): void {
  let p = resolve(path);
  for (;;) {
    try {
      if (!statSync(p).isDirectory()) throw outputError(option, path, `${p} is a file, not a folder`);
      break;
    } catch (e) {
      if (e instanceof InputError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(option, path, `${p}: ${fsReason(e)}`);
      const up = dirname(p);
      if (up === p) throw outputError(option, path, 'no existing folder above it');
      p = up;
    }
  }
  const probe = resolve(p, `.poolsim-probe-${process.pid}`);
  try {
    mkdirSync(probe);
  } catch (e) {
    throw outputError(option, path, `cannot create anything in ${p}: ${fsReason(e)}`);
  }
  rmdirSync(probe);
}

/**
 * Refuse an output file that is one of the command's inputs (`check x.yaml --junit x.yaml`, `run
 * x.yaml --timeline x.yaml`): writing it would replace what was read. Compared by device and inode,
 * so another spelling of the path, or a link to the file, is found too.
 */
export function refuseInputAsOutput(option: string, path: string, inputs: readonly string[]): void {
  const same = (a: string, b: string): boolean => {
    try {
      const x = statSync(a);
      const y = statSync(b);
      return x.dev === y.dev && x.ino === y.ino;
    } catch {
      return false;
    }
  };
  const input = inputs.find((i) => same(i, path));
  if (input !== undefined) throw outputError(option, path, `it is the input ${input}: writing there would replace it`);
}

/**
 * The file a write to `path` should replace: where `path` points when it is a link to an existing
 * file (renaming a finished file over the link would replace the link and leave its file as it was),
 * else `path` itself.
 */
export function followLink(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    return path;
  }
}
