// docs/sharding/slurm-sweep.sbatch under a real Slurm: a one-node cluster (Debian's slurmctld, slurmd
// and munge) is started in a temporary folder, the file is submitted as a job array of 3 tasks with
// a small sweep, the shards are merged with `poolsim merge`, and the result must be the bytes of the
// same sweep run locally in one go. Where Slurm is not installed or cannot start (not root, no
// daemons), the test is skipped and says why; CI installs Slurm (.ci/run).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolsim, repoPath } from './helpers.js';

const DAEMONS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'scontrol', 'sinfo'];
const dir = mkdtempSync(join(tmpdir(), 'poolsim-slurm-'));
const conf = join(dir, 'slurm.conf');
const env = { ...process.env, SLURM_CONF: conf };
let unavailable: string | undefined;

function which(cmd: string): string | undefined {
  for (const d of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]) if (existsSync(join(d, cmd))) return join(d, cmd);
  return undefined;
}

const run = (cmd: string, args: string[], cwd = dir) => spawnSync(which(cmd) ?? cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });

/** Start munge and a one-node Slurm in `dir`; the reason it cannot, or undefined. */
function startSlurm(): string | undefined {
  const missing = DAEMONS.filter((d) => !which(d));
  if (missing.length > 0) return `Slurm is not installed (missing ${missing.join(', ')}; apt-get install slurmctld slurmd slurm-client munge)`;
  if (process.getuid?.() !== 0) return 'starting slurmd needs root';
  for (const sub of ['state', 'spool', 'log', 'munge']) mkdirSync(join(dir, sub), { mode: 0o700 });
  writeFileSync(join(dir, 'munge', 'munge.key'), Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7919 + 13) % 256)), { mode: 0o400 });
  const socket = join(dir, 'munge', 'munge.socket');
  const m = run('munged', [`--key-file=${join(dir, 'munge', 'munge.key')}`, `--socket=${socket}`, `--pid-file=${join(dir, 'munge', 'munged.pid')}`, `--log-file=${join(dir, 'munge', 'munged.log')}`, `--seed-file=${join(dir, 'munge', 'seed')}`, '-f']);
  if (m.status !== 0) return `munged did not start: ${(m.stderr || m.stdout).trim()}`;
  const host = hostname().split('.')[0]!;
  // Ports away from Slurm's defaults, so a Slurm already on the machine is not disturbed.
  const port = 20000 + (process.pid % 10000);
  writeFileSync(
    conf,
    [
      'ClusterName=poolsimtest',
      `SlurmctldHost=${host}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      `SlurmctldPort=${port}`,
      `SlurmdPort=${port + 1}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'ReturnToService=2',
      'MpiDefault=none',
      `NodeName=${host} CPUs=${cpus().length} RealMemory=1000 State=UNKNOWN`,
      `PartitionName=poolsim Nodes=${host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES`,
      '',
    ].join('\n'),
  );
  for (const d of ['slurmctld', 'slurmd']) {
    const r = run(d, ['-f', conf]);
    if (r.status !== 0) return `${d} did not start: ${(r.stderr || r.stdout).trim()}`;
  }
  for (let i = 0; i < 40; i++) {
    const s = run('sinfo', ['-h', '-o', '%t']);
    if (s.status === 0 && /idle|mix|alloc/.test(s.stdout)) return undefined;
    spawnSync('sleep', ['0.5']);
  }
  const log = existsSync(join(dir, 'log', 'slurmd.log')) ? readFileSync(join(dir, 'log', 'slurmd.log'), 'utf8').trim().split('\n').slice(-3).join(' / ') : '';
  return `the Slurm node did not come up (sinfo: ${run('sinfo', ['-h']).stdout.trim()}; slurmd: ${log})`;
}

function stopSlurm(): void {
  if (existsSync(conf)) run('scontrol', ['shutdown']);
  const pidFile = join(dir, 'munge', 'munged.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0) spawn('kill', [String(pid)]);
  }
}

beforeAll(() => {
  unavailable = startSlurm();
  if (unavailable) console.warn(`test/slurm-array.test.ts skipped: ${unavailable}`);
});

afterAll(() => {
  stopSlurm();
  spawnSync('sleep', ['1']);
  rmSync(dir, { recursive: true, force: true });
});

const SWEEP = {
  POOLSIM_SWEEP_LATENCY: '10us..10ms:log:3',
  POOLSIM_SWEEP_BANDWIDTH: '100Gbps,400Gbps',
  POOLSIM_SWEEP_POLICIES: 'fifo,easy-backfill',
  POOLSIM_SWEEP_SEEDS: '2',
};

describe('a sweep sharded as a Slurm job array', () => {
  it('docs/sharding/slurm-sweep.sbatch as a 3-task array merges to the bytes of the local sweep', (ctx) => {
    if (unavailable) ctx.skip(unavailable);
    const out = join(dir, 'array');
    mkdirSync(out);
    // Options on the command line override the file's #SBATCH lines: 3 tasks, one CPU each, logs
    // here. The sweep's axes travel in the environment (--export=ALL; values hold commas, which
    // --export=NAME=value lists cannot).
    const sub = spawnSync(which('sbatch')!, ['--wait', '--array=1-3', '--cpus-per-task=1', `--output=${join(out, 'slurm-%A_%a.log')}`, '--export=ALL', 'docs/sharding/slurm-sweep.sbatch'], {
      cwd: repoPath('.'),
      env: { ...env, ...SWEEP, POOLSIM_SWEEP_OUT: out },
      encoding: 'utf8',
      timeout: 600_000,
    });
    const logs = readdirSync(out)
      .filter((f) => f.endsWith('.log'))
      .map((f) => `${f}: ${readFileSync(join(out, f), 'utf8')}`)
      .join('\n');
    expect(sub.status, `sbatch: ${sub.stderr}\n${logs}`).toBe(0);
    const shards = readdirSync(out).filter((f) => f.startsWith('shard-')).sort();
    expect(shards).toEqual(['shard-1', 'shard-2', 'shard-3']);
    const total = 3 * 2 * 2 * 2; // latencies x bandwidths x policies x seeds
    const merged = poolsim('merge', join(out, 'runs.csv'), ...shards.map((s) => join(out, s, 'runs.csv')), '--summary', join(out, 'summary.csv'), '--total', String(total));
    expect(merged.code, merged.stderr).toBe(0);

    const local = join(dir, 'local');
    const r = poolsim(
      'sweep', 'scenarios/two-dc-latency.yaml',
      '--set', `links[0].latency=${SWEEP.POOLSIM_SWEEP_LATENCY}`,
      '--set', `links[0].bandwidth=${SWEEP.POOLSIM_SWEEP_BANDWIDTH}`,
      '--policies', SWEEP.POOLSIM_SWEEP_POLICIES, '--seeds', SWEEP.POOLSIM_SWEEP_SEEDS, '--job', 'split-13b',
      '--out', local, '--quiet',
    );
    expect(r.code, r.stderr).toBe(0);
    const runs = readFileSync(join(local, 'runs.csv'), 'utf8');
    expect(runs.trim().split('\n')).toHaveLength(total + 1);
    expect(readFileSync(join(out, 'runs.csv'), 'utf8')).toBe(runs);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).toBe(readFileSync(join(local, 'summary.csv'), 'utf8'));
  });
});
