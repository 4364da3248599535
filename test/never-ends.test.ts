// A run without a horizon ends when its work does, or stops with the reason it never would: it
// never runs on for a simulated century, and never ends early with jobs left running.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/experiment/run-scenario.js';
import { RunFailedError } from '../src/sim/run-error.js';
import { MAX_OPEN_RUN_S } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';

const base = `
name: never-ends
datacentres:
  - name: dc
    node_groups: [{ count: 4, device: H100 }]
`;

/** A 32-device job on devices that fail every 2 days each (every 90 minutes for the job), checkpointing as given. */
const failing = (checkpointing: string): string => `${base}
workloads:
  - jobs: [{ name: big, devices: 32, work: 1e22, efficiency: 0.4 }]
failures:
  devices: { H100: { mtbf: 2d } }
checkpointing: ${checkpointing}
network: ideal
`;

/** What running `text` threw (undefined when it ran to its end). */
function failureOf(text: string): unknown {
  try {
    runScenario(scenarioFromText(text));
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('runs that would never end', () => {
  it('a job whose failures undo its work faster than its checkpoints keep it stops at its first failure, saying why', () => {
    const started = Date.now();
    const error = failureOf(failing('{ interval: 1e12, cost: 30s, restart: 5min }'));
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).message).toMatch(/^job 'big' would never finish: its devices fail every 90min on average and it checkpoints every .* more than the work left, so a failure loses it all/);
    expect((error as Error).message).toContain('checkpointing.interval: auto');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('with Young/Daly checkpoints already, the reason says what else to change rather than to checkpoint more often', () => {
    // A ten-day restore after every failure, failures every 90 minutes: no interval keeps progress.
    const error = failureOf(failing('{ interval: auto, cost: 30s, restart: 10d }'));
    expect(error).toBeInstanceOf(RunFailedError);
    const message = (error as Error).message;
    expect(message).toMatch(/^job 'big' would never finish: its devices fail every 90min on average/);
    expect(message).toContain('its checkpoint interval is already chosen for the failure rate (interval: auto), so make checkpoints and restarts cheaper (checkpointing.cost, checkpointing.restart), give the job fewer devices, or make them fail less often (mtbf); or set a horizon.');
    expect(message).not.toContain('checkpoint more often');
  });

  it('a job failures throw back until the century is not said to end when its current attempt is due', () => {
    // 19 h of work without checkpoints, a failure every 90 min and an hour's repair each time: its
    // expected finish is decades away, so the refusal at its first failure does not apply, and this
    // seed runs past the century. The message said "at its rate job 'big' would end only at
    // t=36500d" (its current attempt's due time), as if it were merely slow.
    const text = failing('{ interval: 1e12, cost: 30s, restart: 5min }').replace('work: 1e22, efficiency: 0.4', 'duration: 19h, reference_device: H100');
    const error = failureOf(text);
    expect(error).toBeInstanceOf(RunFailedError);
    const message = (error as Error).message;
    // At the stop it may be running or waiting for its last failure's repair (an hour against 90
    // minutes' run): either way failures undo it; its devices are mostly in service.
    expect(message).toMatch(/still going after 36500d of simulated time .*: failures keep undoing job 'big'\. Job 'big' \((running|waiting)\) has .* after \d+ failures/);
    expect(message).not.toContain('would end only at');
    expect(message).not.toContain('seldom all in service');
  });

  it('a job waiting for devices that are seldom all repaired at once stops at the century, not rejected as too big for the pool', () => {
    // Devices fail every 2 days and take 30 days to repair: each is out of service 94% of the time,
    // so after its first failure the job never found its 32 up together again. The run went on to
    // the century and rejected it as "could not be placed by 'first-fit' even on the idle pool".
    const text = failing('{ interval: 1h, cost: 1min, restart: 5min }').replace('{ H100: { mtbf: 2d } }', '{ H100: { mtbf: 2d, repair: 30d } }');
    const error = failureOf(text);
    expect(error).toBeInstanceOf(RunFailedError);
    const message = (error as Error).message;
    expect(message).toMatch(/still going after 36500d of simulated time \(0 jobs running, 1 waiting\): job 'big' waits for devices that are seldom all in service at once \(they fail faster than they are repaired\)\. Job 'big' \(waiting\) has .* after 1 failures/);
    expect(message).toContain('To let it finish: repair devices faster');
    expect(message).not.toContain('idle pool');
    expect(message).not.toContain('checkpoint more often');
  });

  it('the size estimate counts the failures of the expected run, not those of the work alone', () => {
    // 19 h of work, failures every 90 min, no checkpoint: expected e^(19/1.5) x 90 min (Daly), about
    // 54 years, so about 320k failures and as many repairs. The estimate counted the 19 h alone: 27
    // events, where the run fires some 600k before the century stop.
    const text = failing('{ interval: 1e12, cost: 30s, restart: 5min }').replace('work: 1e22, efficiency: 0.4', 'duration: 19h, reference_device: H100');
    const events = scenarioFromText(text).size.events;
    expect(events).toBeGreaterThan(5e5);
    expect(events).toBeLessThan(1e6);
    // With Young/Daly checkpoints the same job takes about 22 h: a few dozen failures.
    expect(scenarioFromText(failing('{ interval: auto, cost: 30s, restart: 5min }').replace('work: 1e22, efficiency: 0.4', 'duration: 19h, reference_device: H100')).size.events).toBeLessThan(100);
  });

  it('the same job with Young/Daly checkpoints finishes', () => {
    const r = runScenario(scenarioFromText(failing('{ interval: auto, cost: 30s, restart: 5min }')));
    expect(r.summary.jobs_completed).toBe(1);
    expect(r.summary.failures).toBeGreaterThan(0);
  });

  it('a job that would take longer than a century alone is refused before running (loader), one the queue makes late stops with the reason', () => {
    const alone = `${base}
workloads:
  - jobs: [{ name: slow, devices: 1, work: 1e30 }]
network: ideal
`;
    expect(() => scenarioFromText(alone)).toThrow(/workloads\[0\]\.jobs\[0\]: job 'slow' would end at about .* years even alone on its fastest devices; a run without a horizon stops after 100 years/);
    // Each job fits in a century alone; queued one after another on the same devices, they do not.
    const queued = `${base}
workloads:
  - jobs:
      - { name: a, devices: 32, duration: 40y, reference_device: H100 }
      - { name: b, devices: 32, duration: 40y, reference_device: H100 }
      - { name: c, devices: 32, duration: 40y, reference_device: H100 }
network: ideal
`;
    expect(() => runScenario(scenarioFromText(queued))).toThrow(/no horizon and its run was still going after 36\.5k?d|still going after/);
    expect(MAX_OPEN_RUN_S).toBe(100 * 365 * 86400);
  });
});
