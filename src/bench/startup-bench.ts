// `npm run bench -- startup`: how long a user waits for `poolsim` to start and end on commands that
// do little (CI runs many small scenarios), beside a bare `node -e 0` started the same way, as a
// ratio. Each command runs `runs` times, interleaved with the others so that a busy moment of a
// shared machine falls on all of them; the medians are reported. CPU is every process's own
// (user + system, worker threads included, the relaunched child's too), read by a preload at exit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './engine-bench.js';

const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export function runStartupBench(runs = 5): BenchRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'poolsim-startup-'));
  try {
    const cpuLog = join(dir, 'cpu.txt');
    const preload = join(dir, 'cpu.mjs');
    writeFileSync(preload, `import { appendFileSync } from 'node:fs';\nprocess.on('exit', () => { const r = process.resourceUsage(); appendFileSync(${JSON.stringify(cpuLog)}, (r.userCPUTime + r.systemCPUTime) / 1e6 + '\\n'); });\n`);
    const out = join(dir, 'out');
    const cases: { name: string; args: string[] }[] = [
      { name: 'node -e 0', args: ['-e', '0'] },
      { name: 'poolsim --version', args: [cli, '--version'] },
      { name: 'poolsim --help', args: [cli, '--help'] },
      { name: 'poolsim validate quickstart', args: [cli, 'validate', 'scenarios/quickstart.yaml'] },
      { name: 'poolsim run quickstart (560 events)', args: [cli, 'run', 'scenarios/quickstart.yaml', '--out', out, '--quiet'] },
    ];
    const wall = cases.map((): number[] => []);
    const cpu = cases.map((): number[] => []);
    const codes = cases.map(() => new Set<number | null>());
    for (let i = 0; i < runs; i++) {
      cases.forEach((c, k) => {
        writeFileSync(cpuLog, '');
        rmSync(out, { recursive: true, force: true });
        const t0 = performance.now();
        const r = spawnSync(process.execPath, ['--import', preload, ...c.args], { cwd: repo, stdio: 'ignore' });
        wall[k]!.push((performance.now() - t0) / 1000);
        cpu[k]!.push(readFileSync(cpuLog, 'utf8').split('\n').filter(Boolean).reduce((s, x) => s + Number(x), 0));
        codes[k]!.add(r.status);
      });
    }
    const baseWall = median(wall[0]!);
    const baseCpu = median(cpu[0]!);
    return cases.map((c, k) => ({
      case: c.name,
      runs,
      wall_s: median(wall[k]!),
      cpu_s: median(cpu[k]!),
      wall_vs_node: median(wall[k]!) / baseWall,
      cpu_vs_node: median(cpu[k]!) / baseCpu,
      result: [...codes[k]!].every((x) => x === 0) ? 'exit 0' : `EXIT ${[...codes[k]!].join('/')}`,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
