// Reading input files: gzip read transparently (by its magic bytes), and everything that is not a
// regular file of sane size (a directory, a FIFO, a socket, /dev/zero, a huge or sparse file, a
// gzip bomb) refused quickly with exit 2 and a located message, through every command that reads.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { InputFileError, MAX_INPUT_BYTES, readInputFile, readInputPieces } from '../src/scenario/read-input-file.js';
import { loadTrace, TraceError } from '../src/scenario/traces/index.js';
import { repoPath } from './helpers.js';

const PHILLY_GZ = repoPath('data/philly/philly_jobs.csv.gz');
const PODS_GZ = repoPath('data/alibaba-openb/openb_pod_list_default.csv.gz');
const NODES_GZ = repoPath('data/alibaba-openb/openb_node_list_all_node.csv.gz');

const dir = mkdtempSync(join(tmpdir(), 'poolsim-input-'));
const at = (name: string): string => join(dir, name);

/**
 * Long enough for a loaded machine (a refusal takes about a second on an idle one), short enough
 * that a command blocked on a FIFO or reading /dev/zero ends the test instead of the suite.
 */
const DEADLINE_S = 60;

/** The built CLI with a deadline: spawnSync blocks the test's event loop, so a hang must be cut here. */
function poolsimWithin(seconds: number, ...args: string[]): { code: number | null; stdout: string; stderr: string; wallS: number; timedOut: boolean } {
  const cli = repoPath('dist/cli/main.js');
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const start = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoPath('.'), encoding: 'utf8', timeout: seconds * 1000, killSignal: 'SIGKILL' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, wallS: (performance.now() - start) / 1000, timedOut: r.signal === 'SIGKILL' };
}

/** Exit 2, quickly, with a message and never a stack trace. */
function expectRefused(r: ReturnType<typeof poolsimWithin>, message: RegExp): void {
  expect(r.timedOut, `hung: ${r.stderr}`).toBe(false);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).toContain('nothing was run or written');
}

const fifo = at('trace.fifo');
const socket = at('trace.sock');
const folder = at('a-folder');
const hasFifo = process.platform !== 'win32' && spawnSync('mkfifo', [fifo]).status === 0;
let server: Server | undefined;

beforeAll(async () => {
  mkdirSync(folder);
  if (process.platform !== 'win32') {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(socket, resolve));
  }
});
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Many gzip members of zeros: each 1 MiB member is ~1 KiB, and gunzip concatenates them. */
function gzipBomb(decompressedMiB: number): Buffer {
  const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: decompressedMiB }, () => member));
}

/** A minimal scenario replaying a Philly trace at `path`, optionally building its pool from a node list. */
function traceScenario(name: string, tracePath: string, nodesPath?: string): string {
  const file = at(`${name}.yaml`);
  const pool = nodesPath
    ? `    nodes_from: { format: alibaba-openb, path: '${nodesPath}', device_map: { G2: V100-SXM2-32GB, G3: V100-SXM2-32GB, V100M16: V100-SXM2-16GB, V100M32: V100-SXM2-32GB } }\n`
    : `    node_groups:\n      - { name: p100, count: 4, device: P100, devices_per_node: 8 }\n`;
  writeFileSync(
    file,
    `name: ${name}\nseed: 1\nnetwork: ideal\ndatacentres:\n  - name: dc\n    pue: 1.2\n${pool}` +
      `workloads:\n  - trace: { format: philly, path: '${tracePath}', reference_device: P100, max_jobs: 50 }\npolicy: fifo\nplacement: first-fit\n`,
  );
  return file;
}

describe('readInputFile: only regular files, size checked before reading', () => {
  // First in the file, while this process's peak memory is still low: reading the file (or the
  // bomb's output) whole would raise the peak by hundreds of MiB, whatever the machine's load.
  it('a 300 MiB sparse file is refused without being read, and a 2 GiB gzip bomb within the limit', () => {
    const big = at('sparse.csv');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 300 * 1024 * 1024);
    closeSync(fd);
    const peakMiB = (): number => process.resourceUsage().maxRSS / 1024;
    const before = peakMiB();
    expect(() => readInputFile(big)).toThrow(/is 300 MiB, more than 256 MiB, the most poolsim reads from one input file/);
    expect(peakMiB() - before).toBeLessThan(64);
    rmSync(big);
    writeFileSync(at('bomb-2g.gz'), gzipBomb(2048));
    expect(() => readInputFile(at('bomb-2g.gz'))).toThrow(/is 2\.\d MiB of gzip that decompresses to more than 256 MiB/);
    expect(peakMiB() - before).toBeLessThan(256 + 128);
  });

  it('a file over the limit is refused from its size, before it is read', () => {
    writeFileSync(at('big.csv'), 'x'.repeat(2048));
    expect(() => readInputFile(at('big.csv'), { maxBytes: 1024 })).toThrow(/is 2\.0 KiB, more than 1\.0 KiB, the most poolsim reads from one input file/);
    expect(readInputFile(at('big.csv'), { maxBytes: 2048 })).toHaveLength(2048);
  });

  it('the limit stays below what V8 can hold in one string', () => {
    expect(MAX_INPUT_BYTES).toBeLessThan(2 ** 29 - 24);
  });

  it('directories, FIFOs, sockets and character devices are refused by kind, and the error is an InputError', () => {
    const kinds: [string, RegExp][] = [
      [folder, /is a directory; expected a regular file/],
      [at('missing.csv'), /no such file/],
      [join(at('big.csv'), 'below-a-file.csv'), /no such file \(a part of the path is not a directory\)/],
    ];
    if (hasFifo) kinds.push([fifo, /is a named pipe \(FIFO\), which could block forever; expected a regular file/]);
    if (server) kinds.push([socket, /is a socket; expected a regular file/]);
    if (existsSync('/dev/zero')) kinds.push(['/dev/zero', /is a character device \(like \/dev\/zero or a terminal\), which may never end/]);
    for (const [path, message] of kinds) {
      let error: unknown;
      try {
        readInputFile(path);
      } catch (e) {
        error = e;
      }
      expect(error, path).toBeInstanceOf(InputFileError);
      expect((error as InputFileError).issues[0]).toMatchObject({ file: path, line: 0, path: '' });
      expect((error as InputFileError).reason, path).toMatch(message);
    }
  });
});

describe('readInputFile: gzip', () => {
  const plain = 'timestamp,duration,num_gpus,gpu_time,cluster\n2017-10-09 07:01:55,66.0,1,66.0,a\n';

  it('reads gzip by its magic bytes, whatever the name, and a .gz name holding plain text as text', () => {
    writeFileSync(at('gz-named-csv.csv'), gzipSync(plain));
    writeFileSync(at('plain-named-gz.csv.gz'), plain);
    expect(readInputFile(at('gz-named-csv.csv'))).toBe(plain);
    expect(readInputFile(at('plain-named-gz.csv.gz'))).toBe(plain);
  });

  it('reads every member of a multi-member gzip file (cat a.gz b.gz), as gzip -d does', () => {
    writeFileSync(at('members.gz'), Buffer.concat([gzipSync(plain), gzipSync('2017-10-09 08:00:00,5.0,2,10.0,b\n')]));
    expect(readInputFile(at('members.gz'))).toBe(`${plain}2017-10-09 08:00:00,5.0,2,10.0,b\n`);
  });

  it('the bundled traces decompress to the bytes their READMEs record (sha256)', async () => {
    const { createHash } = await import('node:crypto');
    // The one hash in the README, or the one on the line naming the file.
    const recorded = (readme: string, file: string): string | undefined => {
      const text = readInputFile(repoPath(readme));
      const all = text.match(/[0-9a-f]{64}/g) ?? [];
      return all.length === 1 ? all[0] : text.split('\n').find((l) => l.includes(`\`${file}\``))?.match(/[0-9a-f]{64}/)?.[0];
    };
    const sha = (path: string): string => createHash('sha256').update(readInputFile(path), 'utf8').digest('hex');
    expect(sha(PHILLY_GZ)).toBe(recorded('data/philly/README.md', 'philly_jobs.csv'));
    expect(sha(PODS_GZ)).toBe(recorded('data/alibaba-openb/README.md', 'openb_pod_list_default.csv'));
    expect(sha(NODES_GZ)).toBe(recorded('data/alibaba-openb/README.md', 'openb_node_list_all_node.csv'));
    for (const k of ['conv', 'code']) {
      const file = `AzureLLMInferenceTrace_${k}.csv`;
      expect(sha(repoPath(`data/azure-llm-2023/${file}.gz`))).toBe(recorded('data/azure-llm-2023/README.md', file));
    }
  });

  it('a damaged or truncated gzip file is refused, saying so', () => {
    const gz = gzipSync(plain.repeat(100));
    writeFileSync(at('cut.csv.gz'), gz.subarray(0, gz.length >> 1));
    expect(() => readInputFile(at('cut.csv.gz'))).toThrow(/starts like a gzip file but cannot be decompressed \(unexpected end of file\)/);
  });

  it('a gzip bomb is refused as soon as its output passes the limit', () => {
    writeFileSync(at('bomb-small.gz'), gzipBomb(8));
    expect(() => readInputFile(at('bomb-small.gz'), { maxBytes: 1024 * 1024 })).toThrow(
      /is 8\.\d KiB of gzip that decompresses to more than 1\.0 MiB, the most poolsim reads from one input file; keep only the rows you need/,
    );
  });

  it('other compressions and binary files are named, not parsed as garbage', () => {
    writeFileSync(at('t.csv.xz'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04]));
    writeFileSync(at('t.csv.zst'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00]));
    writeFileSync(at('t.zip'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
    writeFileSync(at('t.csv.bz2'), Buffer.from('BZh91AY&SY\u0001', 'latin1'));
    writeFileSync(at('t.parquet'), Buffer.from([0x50, 0x41, 0x52, 0x31, 0x00, 0x00, 0x15]));
    expect(() => readInputFile(at('t.csv.xz'))).toThrow(/is xz-compressed; poolsim reads plain text or gzip: decompress it first \(xz -d FILE\)/);
    expect(() => readInputFile(at('t.csv.zst'))).toThrow(/is zstd-compressed/);
    expect(() => readInputFile(at('t.zip'))).toThrow(/is zip-compressed/);
    expect(() => readInputFile(at('t.csv.bz2'))).toThrow(/is bzip2-compressed/);
    expect(() => readInputFile(at('t.parquet'))).toThrow(/is a binary file, expected text/);
    // A text file that merely starts with 'BZh' is text.
    writeFileSync(at('bzh.csv'), 'BZh,x\n1,2\n');
    expect(readInputFile(at('bzh.csv'))).toBe('BZh,x\n1,2\n');
  });

  it('UTF-16 text (PowerShell\'s `>` and Out-File) is named as such, with what to do, not called binary', () => {
    // `Get-Content s.yaml | Out-File s2.yaml` in Windows PowerShell 5 writes UTF-16LE with a BOM; the
    // scenario was refused as "a binary file, expected text (CSV or YAML)", which it is not.
    const yaml = 'name: x\nseed: 1\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(yaml, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    writeFileSync(at('le.yaml'), le);
    writeFileSync(at('be.yaml'), be);
    writeFileSync(at('nobom.yaml'), Buffer.from(yaml, 'utf16le'));
    const expected = /is UTF-16 text; poolsim reads UTF-8: save it as UTF-8 \(iconv -f UTF-16 -t UTF-8, or PowerShell's Out-File -Encoding utf8\)/;
    for (const f of ['le.yaml', 'be.yaml', 'nobom.yaml']) {
      expect(() => readInputFile(at(f)), f).toThrow(expected);
      expect(() => readInputPieces(at(f)), f).toThrow(expected);
    }
  });
});

describe('gzip traces give the same jobs as plain ones', () => {
  it('loadTrace: the bundled Philly and Alibaba traces, gzip and decompressed', () => {
    writeFileSync(at('philly.csv'), readInputFile(PHILLY_GZ));
    writeFileSync(at('pods.csv'), readInputFile(PODS_GZ));
    writeFileSync(at('nodes.csv'), readInputFile(NODES_GZ));
    const gz = loadTrace('philly', PHILLY_GZ, { source: 'philly' });
    const plain = loadTrace('philly', at('philly.csv'), { source: 'philly' });
    expect(gz.jobs.length).toBe(82247);
    expect(gz).toEqual(plain);
    const a = loadTrace('alibaba-openb', PODS_GZ, { nodesPath: NODES_GZ, source: 'openb' });
    const b = loadTrace('alibaba-openb', at('pods.csv'), { nodesPath: at('nodes.csv'), source: 'openb' });
    expect(a.jobs.length).toBe(6203);
    expect({ ...a, nodeSource: '' }).toEqual({ ...b, nodeSource: '' });
  });

  it('a scenario: workloads[].trace and datacentres[].nodes_from, gzip and plain, resolve alike', () => {
    writeFileSync(at('pods-philly.csv'), readInputFile(PHILLY_GZ));
    const load = (file: string) => loadScenario(readInputFile(file), file, { readFile: readInputFile, baseDir: dir });
    const gz = load(traceScenario('gz', PHILLY_GZ, NODES_GZ));
    const plain = load(traceScenario('plain', at('pods-philly.csv'), at('nodes.csv')));
    expect(gz.jobs.length).toBe(50);
    expect(gz.jobs).toEqual(plain.jobs);
    expect(gz.shape).toEqual(plain.shape);
    expect(gz.shape.groups.reduce((n, g) => n + g.nodeCount * g.devicesPerNode, 0)).toBe(6212);
  });

  it('poolsim trace inspect prints the same for gzip and plain', () => {
    writeFileSync(at('philly-copy.csv'), readInputFile(PHILLY_GZ));
    const gz = poolsimWithin(DEADLINE_S, 'trace', 'inspect', PHILLY_GZ, '--format', 'philly');
    const plain = poolsimWithin(DEADLINE_S, 'trace', 'inspect', at('philly-copy.csv'), '--format', 'philly');
    expect(gz.code, gz.stderr).toBe(0);
    expect(gz.stdout.replaceAll(PHILLY_GZ, 'FILE')).toBe(plain.stdout.replaceAll(at('philly-copy.csv'), 'FILE'));
    expect(gz.stdout).toContain('82247');
  });
});

describe('the CLI refuses unreadable inputs quickly, exit 2, located', () => {
  const bad: [string, string, RegExp][] = [
    ['a directory', folder, /is a directory; expected a regular file/],
    ['/dev/zero', '/dev/zero', /is a character device/],
  ];
  if (hasFifo) bad.push(['a FIFO', fifo, /is a named pipe \(FIFO\)/]);
  if (server) bad.push(['a socket', socket, /is a socket/]);

  for (const [what, path, message] of bad) {
    it(`${what}: poolsim trace inspect`, () => {
      const r = poolsimWithin(DEADLINE_S, 'trace', 'inspect', path, '--format', 'philly');
      expectRefused(r, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot read the trace file: ${message.source}`));
    });

    it(`${what}: poolsim run with it as workloads[0].trace.path names the field, line and column`, () => {
      const scenario = traceScenario(`bad-${what.replace(/\W/g, '')}`, path);
      const out = at(`out-${what.replace(/\W/g, '')}`);
      const r = poolsimWithin(DEADLINE_S, 'run', scenario, '--out', out);
      expectRefused(r, new RegExp(`${scenario}:\\d+:\\d+: workloads\\[0\\]\\.trace\\.path: cannot read '${path}': ${message.source}`));
      expect(existsSync(out)).toBe(false);
    });

    it(`${what}: as the scenario file itself, poolsim run and validate`, () => {
      expectRefused(poolsimWithin(DEADLINE_S, 'run', path), message);
      expectRefused(poolsimWithin(DEADLINE_S, 'validate', path), message);
    });
  }

  it('a node list that is a directory names datacentres[0].nodes_from.path', () => {
    const scenario = traceScenario('bad-nodes', PHILLY_GZ, folder);
    expectRefused(poolsimWithin(DEADLINE_S, 'validate', scenario), /:\d+:\d+: datacentres\[0\]\.nodes_from\.path: cannot read '.*a-folder': is a directory/);
  });

  it('a 300 MiB (sparse) trace is refused from its size at once, saying the size, the limit and what to do', () => {
    const big = at('huge.csv');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 300 * 1024 * 1024);
    closeSync(fd);
    const r = poolsimWithin(DEADLINE_S, 'trace', 'inspect', big, '--format', 'philly');
    expectRefused(r, /huge\.csv: cannot read the trace file: is 300 MiB, more than 256 MiB, the most poolsim reads from one input file; keep only the rows you need/);
    rmSync(big);
  });

  it('a gzip bomb (300 KiB that would become 2 GiB) is refused by trace inspect and by run, not run out of memory', () => {
    const bomb = at('bomb.csv.gz');
    writeFileSync(bomb, gzipBomb(2048));
    const message = /of gzip that decompresses to more than 256 MiB, the most poolsim reads from one input file/;
    expectRefused(poolsimWithin(DEADLINE_S, 'trace', 'inspect', bomb, '--format', 'philly'), message);
    const scenario = traceScenario('bomb', bomb);
    expectRefused(poolsimWithin(DEADLINE_S, 'run', scenario, '--out', at('out-bomb')), new RegExp(`workloads\\[0\\]\\.trace\\.path: cannot read '${bomb}': is 2\\.\\d MiB ${message.source}`));
  });

  it.skipIf(!hasFifo)('run --out into a folder whose manifest.json is a FIFO does not block: the run replaces it', () => {
    const out = at('out-fifo-manifest');
    mkdirSync(out);
    spawnSync('mkfifo', [join(out, 'manifest.json')]);
    const r = poolsimWithin(DEADLINE_S, 'run', repoPath('scenarios/quickstart.yaml'), '--out', out);
    expect(r.timedOut, `hung: ${r.stderr}`).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(out, 'manifest.json')).isFile()).toBe(true);
  });

  it('check --baseline, check --expect, merge and report refuse a FIFO or /dev/zero as well', () => {
    const scenario = repoPath('scenarios/quickstart.yaml');
    const pipe = hasFifo ? fifo : '/dev/zero';
    expectRefused(poolsimWithin(DEADLINE_S, 'check', scenario, '--baseline', '/dev/zero'), /\/dev\/zero: is a character device/);
    expectRefused(poolsimWithin(DEADLINE_S, 'check', scenario, '--expect', pipe), /is a (named pipe|character device)/);
    expectRefused(poolsimWithin(DEADLINE_S, 'merge', at('merged.csv'), pipe), /is a (named pipe|character device)/);
    expect(existsSync(at('merged.csv'))).toBe(false);
    const results = at('results');
    mkdirSync(results);
    if (hasFifo) spawnSync('mkfifo', [join(results, 'runs.csv')]);
    else mkdirSync(join(results, 'runs.csv'));
    expectRefused(poolsimWithin(DEADLINE_S, 'report', results, '--no-manifest'), /runs\.csv: is a (named pipe|directory)/);
  });
});

describe('library: loadTrace errors are TraceErrors naming the file', () => {
  it('a directory', () => {
    expect(() => loadTrace('philly', folder)).toThrow(TraceError);
    expect(() => loadTrace('philly', folder)).toThrow(`${folder}: cannot read the trace file: is a directory; expected a regular file (save the data to a file and give its path)`);
  });
});
