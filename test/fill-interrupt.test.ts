// Ctrl-C during `poolsim fill`: the fill ran on the main thread in one synchronous loop, so the
// interrupt was heard only when it ended (~15 s on the openb pool); it must stop the fill promptly,
// with nothing half-written, as run and compare do (cli/interrupt.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';
import { ensureDist } from './policy-dist.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-fill-interrupt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await ensureDist();
});

describe('poolsim fill and Ctrl-C', () => {
  it('stops within seconds of SIGINT, exit 130, and leaves no output folder or staging files', async () => {
    const out = join(work, 'out');
    // FGD filling the openb pool three times over: well over ten seconds uninterrupted.
    const child = spawn(process.execPath, [repoPath('dist/cli/main.js'), 'fill', repoPath('scenarios/alibaba-replay.yaml'), '--placement', 'fgd', '--until', '300%', '--out', out, '--quiet'], { cwd: work });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; at: number }>((done) => child.on('exit', (code) => done({ code, at: Date.now() })));
    // Loading the scenario and its trace takes a second or two; the fill is running by then.
    await new Promise((r) => setTimeout(r, 4000));
    const sent = Date.now();
    child.kill('SIGINT');
    const { code, at } = await exited;
    expect(stderr).toContain('interrupted (SIGINT); nothing was written.');
    expect(code).toBe(130);
    expect(at - sent).toBeLessThan(2500);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(work)).toEqual([]);
  }, 60_000);
});
