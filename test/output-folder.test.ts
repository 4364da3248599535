// OutputFolder when the disk fills: the run's files are refused as an output problem naming the
// option and the reason, and nothing of them is left (the earlier results stay as they were).
// node:fs's writeSync is replaced so that a test can make the disk full at a chosen moment.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeAtomically } from '../src/cli/experiment-cli.js';
import { OutputFolder } from '../src/cli/output-folder.js';
import { InputError } from '../src/scenario/errors.js';

const disk = vi.hoisted(() => ({ full: false, mount: undefined as string | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    if (disk.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    return (fs.writeSync as (...a: unknown[]) => number)(...args);
  }) as typeof fs.writeSync;
  // As a full disk does: the bytes that fit are written, then the write fails.
  const writeFileSync = ((path: Parameters<typeof fs.writeFileSync>[0], data: string) => {
    if (!disk.full) return fs.writeFileSync(path, data);
    fs.writeFileSync(path, data.slice(0, 10));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
  }) as typeof fs.writeFileSync;
  // `disk.mount`: a folder that is a filesystem of its own (a mount point: a CI volume, `docker -v`),
  // as Linux treats one: its device differs from its parent's, renaming it is EBUSY, and a rename
  // from one side of it to the other is EXDEV.
  const onMount = (p: unknown): boolean => disk.mount !== undefined && (String(p) === disk.mount || String(p).startsWith(`${disk.mount}/`));
  const statSync = ((path: string, ...rest: unknown[]) => {
    const st = (fs.statSync as (...a: unknown[]) => import('node:fs').Stats)(path, ...rest);
    if (!st || !onMount(path)) return st;
    return Object.assign(Object.create(Object.getPrototypeOf(st) as object) as object, st, { dev: st.dev + 1 });
  }) as typeof fs.statSync;
  const renameSync = ((from: string, to: string) => {
    if (disk.mount !== undefined && (String(from) === disk.mount || String(to) === disk.mount)) throw Object.assign(new Error(`EBUSY: resource busy or locked, rename '${from}' -> '${to}'`), { code: 'EBUSY', syscall: 'rename' });
    if (onMount(from) !== onMount(to)) throw Object.assign(new Error(`EXDEV: cross-device link not permitted, rename '${from}' -> '${to}'`), { code: 'EXDEV', syscall: 'rename' });
    return fs.renameSync(from, to);
  }) as typeof fs.renameSync;
  return { ...fs, default: { ...fs, writeSync, writeFileSync, statSync, renameSync }, writeSync, writeFileSync, statSync, renameSync };
});

const MANIFEST = { format: 1, poolsim_version: 'test', command: 'run', scenario: { name: 's', file: 's.yaml', sha256: '' }, seeds: [1], policies: [], placements: [], sweep: [] };

function thrown(body: () => unknown): unknown {
  try {
    body();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('output files on a full disk', () => {
  it('a write that fails is an output problem naming --out and the reason; the staging folder goes, the old results stay', () => {
    // It was an internal error ('please report it', exit 1): "ENOSPC: no space left on device, write".
    const parent = mkdtempSync(join(tmpdir(), 'poolsim-full-'));
    const dir = join(parent, 'out');
    const first = new OutputFolder(dir);
    first.append('summary.csv', 'old\n');
    first.commit(MANIFEST);
    const folder = new OutputFolder(dir);
    folder.append('summary.csv', 'new\n');
    disk.full = true;
    const e = thrown(() => folder.append('jobs.csv', 'job_id\n'));
    disk.full = false;
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe(`--out: cannot write to '${dir}': no space left on the device (ENOSPC)`);
    expect(readdirSync(parent)).toEqual(['out']);
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toBe('old\n');
  });

  it('a timeline file that cannot be written names --timeline, and its temporary file goes too', () => {
    const parent = mkdtempSync(join(tmpdir(), 'poolsim-full-'));
    const timeline = join(parent, 'trace.json');
    writeFileSync(timeline, 'old');
    const folder = new OutputFolder(join(parent, 'out'));
    folder.reserveOutside(timeline, '--timeline');
    folder.append('summary.csv', 'new\n');
    disk.full = true;
    const e = thrown(() => folder.appendOutside(timeline, '['));
    disk.full = false;
    expect((e as Error).message).toBe(`--timeline: cannot write to '${timeline}': no space left on the device (ENOSPC)`);
    expect(readdirSync(parent)).toEqual(['trace.json']);
    expect(readFileSync(timeline, 'utf8')).toBe('old');
    expect(existsSync(join(parent, 'out'))).toBe(false);
  });

  it('writeAtomically (report, check --junit and --save): the half-written temporary file goes, the old file stays', () => {
    // poolsim report on a full disk left '.report.html.tmp-<pid>' (4,096 bytes) in the results folder.
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-full-'));
    writeFileSync(join(dir, 'report.html'), 'old');
    disk.full = true;
    const e = thrown(() => writeAtomically([{ path: join(dir, 'report.html'), content: '<html>'.repeat(100) }]));
    disk.full = false;
    expect((e as Error).message).toBe(`--out: cannot write to '${join(dir, 'report.html')}': no space left on the device (ENOSPC)`);
    expect(readdirSync(dir)).toEqual(['report.html']);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe('old');
  });
});

describe('an output folder that is a symbolic link', () => {
  it('the results go into the folder it points to, and the link stays a link', () => {
    // The swap renamed the link itself: `--out artifacts` (a link to a mounted volume) became a real
    // folder on the local disk holding the results, and the folder it pointed to was left empty.
    const root = mkdtempSync(join(tmpdir(), 'poolsim-link-'));
    mkdirSync(join(root, 'volume'));
    mkdirSync(join(root, 'here'));
    const target = join(root, 'volume', 'out');
    mkdirSync(target);
    const link = join(root, 'here', 'out');
    symlinkSync(target, link);
    for (const text of ['first\n', 'second\n']) {
      const folder = new OutputFolder(link);
      folder.append('summary.csv', text);
      folder.commit(MANIFEST);
    }
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(target, 'summary.csv'), 'utf8')).toBe('second\n');
    expect(readdirSync(target).sort()).toEqual(['manifest.json', 'summary.csv']);
    // Nothing staged was left beside the link or beside the folder it points to.
    expect(readdirSync(join(root, 'here'))).toEqual(['out']);
    expect(readdirSync(join(root, 'volume'))).toEqual(['out']);
  });

  it('a --timeline or report file that is a link: the file it points to gets the new text, and the link stays', () => {
    // The temporary file was renamed over the link: a real file beside it, the linked file unchanged.
    const root = mkdtempSync(join(tmpdir(), 'poolsim-link-'));
    mkdirSync(join(root, 'volume'));
    for (const name of ['trace.json', 'report.html']) {
      writeFileSync(join(root, 'volume', name), 'old');
      symlinkSync(join(root, 'volume', name), join(root, name));
    }
    const folder = new OutputFolder(join(root, 'out'));
    folder.reserveOutside(join(root, 'trace.json'), '--timeline');
    folder.appendOutside(join(root, 'trace.json'), '[]');
    folder.append('summary.csv', 'x\n');
    folder.commit(MANIFEST);
    writeAtomically([{ path: join(root, 'report.html'), content: '<html>' }]);
    for (const [name, text] of [['trace.json', '[]'], ['report.html', '<html>']] as const) {
      expect(lstatSync(join(root, name)).isSymbolicLink(), name).toBe(true);
      expect(readFileSync(join(root, 'volume', name), 'utf8')).toBe(text);
    }
    expect(readdirSync(join(root, 'volume')).sort()).toEqual(['report.html', 'trace.json']);
    expect(readdirSync(root).sort()).toEqual(['out', 'report.html', 'trace.json', 'volume']);
  });
});

describe('an output folder that is a mount point', () => {
  // `--out /out` on a volume mounted there (docker -v "$PWD/results:/out", a CI cache or artifact
  // volume), or `--out .` in a mounted work folder: the run ran, then failed with a raw
  // "EBUSY: resource busy or locked (EBUSY)" (an empty folder: the swap renames it) or "EXDEV:
  // cross-device link not permitted" (files moved in from a staging folder on the parent's disk),
  // saying "nothing was run", and no result was written.
  it.each([
    ['empty', [] as string[]],
    ['holding other files', ['notes.txt']],
    ['holding an earlier result', ['summary.csv', 'manifest.json']],
  ])('%s: the results are written into it, and nothing is left staged', (_, present) => {
    const root = mkdtempSync(join(tmpdir(), 'poolsim-mount-'));
    const dir = join(root, 'out');
    mkdirSync(dir);
    for (const f of present) writeFileSync(join(dir, f), 'old\n');
    disk.mount = dir;
    try {
      const folder = new OutputFolder(dir);
      folder.append('summary.csv', 'new\n');
      folder.append('jobs.csv', 'job_id\n');
      folder.commit(MANIFEST);
    } finally {
      disk.mount = undefined;
    }
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toBe('new\n');
    expect(readdirSync(dir).sort()).toEqual([...new Set(['jobs.csv', 'manifest.json', 'summary.csv', ...present])].sort());
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('a run stopped on it (Ctrl-C, a full disk) leaves it as it was', () => {
    const root = mkdtempSync(join(tmpdir(), 'poolsim-mount-'));
    const dir = join(root, 'out');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    disk.mount = dir;
    try {
      const folder = new OutputFolder(dir);
      folder.append('summary.csv', 'new\n');
      folder.abort();
    } finally {
      disk.mount = undefined;
    }
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(readdirSync(root)).toEqual(['out']);
  });
});
