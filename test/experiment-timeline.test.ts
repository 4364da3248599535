// The trace-event timeline of a run: valid JSON that Perfetto reads, one track per node group with
// non-overlapping lanes, a complete slice per job allocation, transfers, and preemptions marked.
import { describe, expect, it } from 'vitest';
import { attachTimeline, type Timeline, type TraceEvent } from '../src/experiment/timeline.js';
import { simulate } from '../src/sim/simulation.js';
import { bundled, loadWithFiles, scenarioFromText } from './helpers.js';

function run(resolved: ReturnType<typeof bundled>): { trace: { traceEvents: TraceEvent[] }; jobs: number; completed: number } {
  let timeline: Timeline | undefined;
  let jobs = 0;
  const r = simulate(resolved, {
    observe: (sim) => void (timeline = attachTimeline(sim)),
    jobSink: () => void jobs++,
  });
  return { trace: JSON.parse(timeline!.write()) as { traceEvents: TraceEvent[] }, jobs, completed: r.summary.jobs_completed };
}

function checkLanes(events: readonly TraceEvent[]): void {
  const byTrack = new Map<string, TraceEvent[]>();
  for (const e of events) if (e.ph === 'X') byTrack.set(`${e.pid}/${e.tid}`, [...(byTrack.get(`${e.pid}/${e.tid}`) ?? []), e]);
  for (const [, xs] of byTrack) {
    xs.sort((a, b) => a.ts! - b.ts!);
    for (let i = 1; i < xs.length; i++) expect(xs[i]!.ts!).toBeGreaterThanOrEqual(xs[i - 1]!.ts! + xs[i - 1]!.dur! - 1e-3);
  }
}

describe('timeline (Chrome trace events)', () => {
  it('has a slice per job on its node group, lanes that never overlap, and named tracks', () => {
    const { trace, completed } = run(bundled('policy-backfill'));
    const ev = trace.traceEvents;
    const slices = ev.filter((e) => e.ph === 'X');
    expect(new Set(slices.map((e) => e.name)).size).toBe(completed);
    for (const e of slices) {
      expect(e.dur).toBeGreaterThanOrEqual(0);
      expect(e.ts).toBeGreaterThanOrEqual(0);
    }
    checkLanes(ev);
    const names = ev.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => String(e.args!.name));
    expect(names[0]).toMatch(/^a100 \(8 x 8 A100-80GB\)$/);
    expect(ev.some((e) => e.ph === 'M' && e.name === 'process_name' && e.args!.name === 'datacentre dc')).toBe(true);
    // Every tid/pid of an event is named by metadata.
    const named = new Set(ev.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => `${e.pid}/${e.tid}`));
    for (const e of slices) expect(named.has(`${e.pid}/${e.tid}`)).toBe(true);
    const counters = ev.filter((e) => e.ph === 'C');
    expect(counters.at(-1)!.args).toEqual({ waiting: 0, running: 0 });
  });

  it('puts transfers on the network process and marks preemptions', () => {
    const { trace } = run(
      scenarioFromText(`name: tl
datacentres:
  - { name: a, node_groups: [{ name: ga, count: 1, device: H100 }] }
  - { name: b, node_groups: [{ name: gb, count: 1, device: H100 }] }
links:
  - { between: [a, b], latency: 1ms, bandwidth: 100Gbps }
workloads:
  - jobs:
      - { name: low, devices: 8, duration: 2h, reference_device: H100, priority: 0 }
      - { name: big, devices: 16, duration: 1h, reference_device: H100, priority: 5, submit: 30min }
transfers:
  - { name: data, from: a, to: b, size: 100GB, before: big }
policy: { name: priority, params: { preemptive: true } }
`),
    );
    const ev = trace.traceEvents;
    expect(ev.some((e) => e.ph === 'X' && e.name === 'data' && e.args!.bytes === 100e9)).toBe(true);
    expect(ev.some((e) => e.ph === 'i' && e.name === 'preempted low')).toBe(true);
    expect(ev.filter((e) => e.ph === 'X' && e.name === 'low').length).toBeGreaterThanOrEqual(2);
    checkLanes(ev);
  });

  it("a GPU-sharing pod's slice carries its share of the device, as jobs.csv's device_share does", () => {
    // Two half-GPU pods and a whole one on one node: without the share each slice read 1 device.
    const resolved = loadWithFiles(
      `name: shares
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: g, count: 1, device: A100-80GB }
workloads:
  - trace:
      path: t.csv
      format: csv
      mapping: { submit: submit, duration: duration, devices: gpus, gpu_milli: milli, id: id }
policy: fifo
placement: first-fit
`,
      { 't.csv': 'id,submit,duration,gpus,milli\na,0,3600,1,500\nb,0,3600,1,250\nc,0,3600,1,1000\n' },
    );
    const slices = run(resolved).trace.traceEvents.filter((e) => e.ph === 'X');
    const args = (name: string) => slices.find((e) => e.name === name)!.args!;
    expect([args('a').devices_here, args('a').device_share]).toEqual([1, 0.5]);
    expect([args('b').devices_here, args('b').device_share]).toEqual([1, 0.25]);
    expect([args('c').devices_here, args('c').device_share]).toEqual([1, 1]);
  });
});
