// A run's result files, all or nothing: every file is written into a staging folder beside the
// output folder while the run goes on, then the whole folder takes the old one's place at once,
// with its manifest (manifest.json: what produced the files, and their hashes). Files of an earlier
// run never stay beside new ones. Where the output folder holds files poolsim did not write (say
// `--out .`), files are moved in one by one with the manifest last, after removing the old one: a
// reader that finds no manifest knows the folder is not a complete result. Ctrl-C removes the
// staging folder.
import { closeSync, existsSync, openSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { MANIFEST_FILE, manifestText, parseManifest, type RunManifest } from '../experiment/manifest.js';
import { readInputFile } from '../scenario/read-input-file.js';
import { ensureDir, followLink, fsReason, outputError } from './ensure-dir.js';
import { cleanupOnInterrupt } from './interrupt.js';

/** Names poolsim writes into an output folder; an old one of these is never left beside new results. */
const KNOWN_OUTPUTS = ['summary.csv', 'jobs.csv', 'links.csv', 'links_timeseries.csv', 'hot_links.csv', 'tenants.csv', 'transfers.csv', 'services.csv', 'requests.csv', 'runs.csv', 'report.html', 'fill.csv', 'fill-summary.csv', 'fill.svg', MANIFEST_FILE];

interface Staged {
  /** Where it ends up, as the user named it. */
  target: string;
  /** The file the rename replaces: target, or where target points when it is a link. */
  dest: string;
  /** Where it is written meanwhile. */
  tmp: string;
  fd: number;
  hash: Hash;
  /** The option that named it and the path as given, for a write that fails (a full disk). */
  option: string;
  shown: string;
}

export class OutputFolder {
  private readonly staging: string;
  /** Where the folder really is: an --out that is a link to a folder is followed, so the link stays and its folder gets the files. */
  private readonly path: string;
  private readonly files = new Map<string, Staged>();
  private readonly outside: Staged[] = [];
  private readonly forgetCleanup: () => void;
  private done = false;

  /**
   * Prepare `dir` (named by `option`, e.g. --out) for a run's results: check it can be written
   * (creating missing parents) before anything runs. Throws InputError (exit 2) when it cannot.
   */
  constructor(
    readonly dir: string,
    private readonly option = '--out',
  ) {
    // An empty name resolves to the current folder: almost always an unset variable (--out "$DIR").
    if (dir.trim() === '') throw outputError(option, dir, "the name is empty; give a folder (the current one is '.')");
    let abs = resolve(dir);
    let mountPoint = false;
    if (existsSync(abs)) {
      if (!statSync(abs).isDirectory()) throw outputError(option, dir, 'it is a file, not a folder');
      // The swap renames the folder's own entry: a link's would be replaced by a real folder beside it.
      abs = realpathSync(abs);
      // A folder that is a filesystem of its own (a mounted volume: `docker -v ...:/out`, `--out .`
      // in a mounted work folder) can neither be renamed (EBUSY) nor receive files renamed from
      // beside it, on its parent's disk (EXDEV): its files are staged inside it, and moved in one
      // by one with the manifest last.
      mountPoint = statSync(abs).dev !== statSync(dirname(abs)).dev;
    }
    this.path = abs;
    ensureDir(dirname(abs), option);
    this.staging = mountPoint ? join(abs, `.poolsim-${process.pid}`) : join(dirname(abs), `.${basename(abs)}.poolsim-${process.pid}`);
    // The cleanup first, then the folder: a signal that lands between the two would otherwise end
    // the process by default and leave the staging folder behind.
    this.forgetCleanup = cleanupOnInterrupt(() => this.abort());
    try {
      rmSync(this.staging, { recursive: true, force: true });
      ensureDir(this.staging, option, dir);
    } catch (e) {
      this.forgetCleanup();
      throw e;
    }
  }

  /**
   * Refuse (InputError, nothing left staged) when a file the run reads lies in the folder under a
   * name its results replace or clear (jobs.csv, requests.csv, ...): a trace named jobs.csv with
   * `--out` its own folder was replaced by the results, and the input was gone.
   */
  refuseInputs(inputs: readonly string[]): void {
    const ours = new Set([...KNOWN_OUTPUTS, 'plots', ...(existsSync(this.path) ? previousOutputs(this.path) : [])]);
    for (const input of inputs) {
      let real: string;
      try {
        real = realpathSync(input);
      } catch {
        continue;
      }
      const rel = relative(this.path, real);
      const top = rel.split(/[\\/]/)[0]!;
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || !ours.has(top)) continue;
      this.abort();
      throw outputError(this.option, this.dir, `the run reads ${input}, and its results would replace or remove ${join(this.dir, top)}: write them to another folder`);
    }
  }

  /** The order the files are listed in (the manifest, the paths commit returns): see listInOrder. */
  private preferred: readonly string[] = [];

  /**
   * List the files in this order (names relative to the folder) rather than in the order their
   * first text came, which depends on how a run's outputs are buffered; files not named here follow,
   * in that order.
   */
  listInOrder(names: readonly string[]): void {
    this.preferred = names;
  }

  /** The staged files, named ones first in the preferred order. */
  private inOrder(): [string, Staged][] {
    const rank = (name: string): number => {
      const i = this.preferred.indexOf(name);
      return i < 0 ? this.preferred.length : i;
    };
    // Array.prototype.sort is stable: unnamed files keep their order of creation.
    return [...this.files].sort((a, b) => rank(a[0]) - rank(b[0]));
  }

  /** Append text (or its UTF-8 bytes) to `name` (a path relative to the folder), creating it on first use. */
  append(name: string, text: string | Uint8Array): void {
    let f = this.files.get(name);
    if (!f) {
      const tmp = join(this.staging, name);
      ensureDir(dirname(tmp), this.option, this.dir);
      f = { target: join(this.dir, name), dest: join(this.dir, name), tmp, fd: this.open(tmp, this.dir), hash: createHash('sha256'), option: this.option, shown: this.dir };
      this.files.set(name, f);
    }
    this.write(f, text);
  }

  /** Prepare a file outside the folder (--timeline FILE), committed with the rest; checked now, before the run. */
  reserveOutside(path: string, option: string): void {
    const dest = resolve(followLink(path));
    // The results folder itself or one above it, not there when checked (--timeline results/ before
    // the first run): the write failed after the run with EISDIR, reported under --out.
    const up = relative(dest, this.path);
    if (up === '' || (!up.startsWith('..') && !isAbsolute(up))) {
      throw outputError(option, path, `it is the results folder of ${this.option} or a folder above it: name a file`);
    }
    ensureDir(dirname(dest), option, path);
    const tmp = join(dirname(dest), `.${basename(dest)}.poolsim-${process.pid}`);
    this.outside.push({ target: path, dest, tmp, fd: this.open(tmp, path, option), hash: createHash('sha256'), option, shown: path });
  }

  /** Append text to a file reserved with reserveOutside. */
  appendOutside(path: string, text: string): void {
    this.write(this.outside.find((f) => f.target === path)!, text);
  }

  /** Every file's name as the manifest lists it (relative to the folder). */
  fileNames(): string[] {
    return [...this.inOrder().map(([name]) => name), ...this.outside.map((f) => relative(this.dir, f.target))];
  }

  /** Move everything into place with its manifest; returns the paths written. */
  commit(manifest: Omit<RunManifest, 'files'>): string[] {
    const hashes: Record<string, string> = {};
    const files = this.inOrder();
    const manifestTmp = join(this.staging, MANIFEST_FILE);
    try {
      // Closing may be where a full disk or a lost network share shows (NFS reports it there).
      for (const [name, f] of files) hashes[name] = this.close(f);
      for (const f of this.outside) hashes[relative(this.dir, f.target)] = this.close(f);
      const fd = openSync(manifestTmp, 'w');
      writeSync(fd, manifestText({ ...manifest, files: hashes }));
      closeSync(fd);
      for (const f of this.outside) renameSync(f.tmp, f.dest);
      this.moveIntoPlace();
    } catch (e) {
      this.abort();
      throw outputError(this.option, this.dir, fsReason(e));
    }
    this.done = true;
    this.forgetCleanup();
    return [...files.map(([, f]) => f.target), ...this.outside.map((f) => f.target), join(this.dir, MANIFEST_FILE)];
  }

  /** Remove everything staged; the output folder is left as it was. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    for (const f of [...this.files.values(), ...this.outside]) {
      if (f.fd >= 0) closeSync(f.fd);
      f.fd = -1;
    }
    for (const f of this.outside) rmSync(f.tmp, { force: true });
    rmSync(this.staging, { recursive: true, force: true });
    this.forgetCleanup();
  }

  private open(tmp: string, shown: string, option = this.option): number {
    try {
      return openSync(tmp, 'w');
    } catch (e) {
      throw outputError(option, shown, fsReason(e));
    }
  }

  private write(f: Staged, text: string | Uint8Array): void {
    f.hash.update(text);
    try {
      if (typeof text === 'string') writeSync(f.fd, text);
      else for (let at = 0; at < text.length; ) at += writeSync(f.fd, text, at, text.length - at);
    } catch (e) {
      // A full disk mid-run: an output problem (the option, the reason), and nothing of it left.
      this.abort();
      throw outputError(f.option, f.shown, fsReason(e));
    }
  }

  private close(f: Staged): string {
    // Marked closed first: a close that fails has still released the descriptor, and abort must not close it again.
    const fd = f.fd;
    f.fd = -1;
    if (fd >= 0) closeSync(fd);
    return f.hash.digest('hex');
  }

  private moveIntoPlace(): void {
    const dir = this.path;
    if (!existsSync(dir)) {
      renameSync(this.staging, dir);
      return;
    }
    const entries = readdirSync(dir);
    const previous = previousOutputs(dir);
    // Staged inside the folder (a mount point), the staging folder is among its entries: never swapped.
    if (entries.every((e) => previous.has(e))) {
      // Only an earlier result is there: swap the folders, then drop the old one.
      const old = join(dirname(dir), `.${basename(dir)}.poolsim-old-${process.pid}`);
      rmSync(old, { recursive: true, force: true });
      renameSync(dir, old);
      try {
        renameSync(this.staging, dir);
      } catch (e) {
        renameSync(old, dir);
        throw e;
      }
      rmSync(old, { recursive: true, force: true });
      return;
    }
    // The folder holds other things too: the manifest goes first and comes back last.
    rmSync(join(dir, MANIFEST_FILE), { force: true });
    const names = new Set(this.files.keys());
    for (const name of names) {
      ensureDir(dirname(join(dir, name)), this.option);
      renameSync(join(this.staging, name), join(dir, name));
    }
    for (const stale of previous) if (!names.has(stale) && stale !== MANIFEST_FILE) rmSync(join(dir, stale), { recursive: true, force: true });
    renameSync(join(this.staging, MANIFEST_FILE), join(dir, MANIFEST_FILE));
    rmSync(this.staging, { recursive: true, force: true });
  }
}

/** What an earlier run left in `dir`: the files its manifest lists (top-level names), and poolsim's usual names. */
function previousOutputs(dir: string): Set<string> {
  const names = new Set(KNOWN_OUTPUTS);
  names.add('plots');
  try {
    // readInputFile: a manifest.json that is a FIFO or a device must not block or fill memory here.
    const m = parseManifest(readInputFile(join(dir, MANIFEST_FILE)));
    for (const f of Object.keys(m.files)) if (!f.startsWith('..')) names.add(f.split(/[\\/]/)[0]!);
  } catch {
    // No manifest, or one from another version: only the usual names count as ours.
  }
  return new Set([...names].filter((n) => existsSync(join(dir, n))));
}
