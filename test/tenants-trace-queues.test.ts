// Trace columns that name tenants (`trace.queue_from`): Philly's virtual cluster, a csv's group.
import { describe, expect, it } from 'vitest';
import { inputErrorOf, loadWithFiles } from './helpers.js';
import { simulate } from '../src/sim/simulation.js';

const PHILLY = `timestamp,duration,num_gpus,gpu_time,cluster
2017-10-09 07:00:00,3600,8,28800,6214e9
2017-10-09 07:00:00,3600,8,28800,11cb48
2017-10-09 07:10:00,600,8,4800,product
2017-10-09 07:20:00,600,4,2400,6214e9
`;

const scenario = (trace: string, queues = ['research', 'product', 'eval']): string => `
name: trace-queues
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 2, device: H100 }
tenants:
  queues:
${queues.map((q) => `    - { name: ${q}, cohort: c, quota: { H100: 8 } }`).join('\n')}
workloads:
  - trace: ${trace}
`;

const load = loadWithFiles;

const errors = inputErrorOf;

const queuesOf = (r: ReturnType<typeof load>): string[] => r.jobs.map((j) => r.tenants!.queues[j.queue!]!.name);

describe('trace.queue_from', () => {
  it("Philly's virtual cluster names each job's queue, through the map or directly", () => {
    const r = load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { map: { "6214e9": research, 11cb48: eval } } }'), { 'jobs.csv': PHILLY });
    expect(queuesOf(r)).toEqual(['research', 'eval', 'product', 'research']);
    // The run's tenants.csv follows. The first two jobs fill the 16 devices for an hour; product's
    // (submitted at 600 s) and research's second (1200 s) then run 3600-4200 s.
    const rows = simulate(r).tenants!.rows;
    expect(rows.map((t) => [t.tenant, t.jct_mean_s])).toEqual([
      ['research', (3600 + 3000) / 2],
      ['product', 3600],
      ['eval', 3600],
    ]);
  });

  it('a value that names no queue is refused at its file, line and column, once per value', () => {
    const text = scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { map: { 11cb48: eval } } }');
    const msg = errors(() => load(text, { 'jobs.csv': PHILLY }));
    expect(msg).toContain("jobs.csv:2: column cluster '6214e9' names no tenant queue (2 jobs; the queues are: research, product, eval); map it in `queue_from.map` or give `queue_from.default`");
    expect(msg).toContain('workloads[0].trace.queue_from');
    expect(msg.match(/names no tenant queue/g)).toHaveLength(1);
  });

  it('a queue given twice is refused, and listed once where the queues are listed', () => {
    const text = scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { map: { 11cb48: eval } } }', ['research', 'research', 'eval']);
    const msg = errors(() => load(text, { 'jobs.csv': PHILLY }));
    expect(msg).toContain("queue 'research' is defined twice");
    // Was: the queues are: research, research, eval.
    expect(msg).toContain('the queues are: research, eval)');
  });

  it('a hashed value that YAML reads as a number is refused beside a default, not sent to the default', () => {
    // Was: with \`default: eval\`, the key 6214e9 (read as 6214000000000) matched no job and every
    // job of 6214e9 went silently to eval: research's tenants.csv row empty, eval's share doubled.
    const text = scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { map: { 6214e9: research, 11cb48: eval }, default: eval } }');
    const msg = errors(() => load(text, { 'jobs.csv': PHILLY }));
    expect(msg).toContain(
      "jobs.csv:2: column cluster '6214e9' would go to the default queue 'eval' (2 jobs); `queue_from.map` has the key 6214000000000, which is how YAML reads 6214e9 unquoted (a number): quote it, '6214e9'",
    );
    expect(msg.match(/6214e9'/g)).toHaveLength(2);
    expect(msg).not.toContain('names no tenant queue');
    // Quoted, the same map and default load.
    const quoted = load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { map: { "6214e9": research, 11cb48: eval }, default: eval } }'), { 'jobs.csv': PHILLY });
    expect(queuesOf(quoted)).toEqual(['research', 'eval', 'product', 'research']);
  });

  it('a map key no job carries is warned beside a default, with a did-you-mean', () => {
    // Was: { "6214e8": research } (a typo) matched nothing, its jobs went to the default, unsaid.
    const r = load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { map: { "6214e8": research, 11cb48: eval }, default: eval } }'), { 'jobs.csv': PHILLY });
    expect(queuesOf(r)).toEqual(['eval', 'eval', 'product', 'eval']);
    expect(r.warnings.map((w) => w.message).join('\n')).toContain("queue_from.map key '6214e8' names no job's value of column cluster (did you mean '6214e9'?): no job goes to research through it");
    const ok = load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { map: { "6214e9": research, 11cb48: eval }, default: eval } }'), { 'jobs.csv': PHILLY });
    expect(ok.warnings.map((w) => w.message).join('\n')).not.toContain('queue_from.map key');
  });

  it('a hashed value that YAML reads as a number is explained', () => {
    const text = scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { map: { 6214e9: research, 11cb48: eval } } }');
    expect(errors(() => load(text, { 'jobs.csv': PHILLY }))).toContain(
      "jobs.csv:2: column cluster '6214e9' names no tenant queue (2 jobs; the queues are: research, product, eval); `queue_from.map` has the key 6214000000000, which is how YAML reads 6214e9 unquoted (a number): quote it, '6214e9'",
    );
  });

  it('a default queue takes values that name none', () => {
    const r = load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { default: eval } }'), { 'jobs.csv': PHILLY });
    expect(queuesOf(r)).toEqual(['eval', 'eval', 'product', 'eval']);
  });

  it("Microsoft's own column name vc is read too", () => {
    const r = load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { map: { "6214e9": research, 11cb48: eval } } }'), { 'jobs.csv': PHILLY.replace(',cluster\n', ',vc\n') });
    expect(queuesOf(r)).toEqual(['research', 'eval', 'product', 'research']);
    const msg = errors(() => load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: {} }'), { 'jobs.csv': PHILLY.replace(',cluster\n', ',vc\n') }));
    expect(msg).toContain("jobs.csv:2: column vc '6214e9' names no tenant queue");
  });

  it("a csv trace's group column, and jobs without a value", () => {
    const csv = 'submit,duration,gpus,user\n0,60,1,alice\n10,60,1,bob\n20,60,1,\n';
    const trace = (extra: string) => `{ format: csv, path: u.csv, reference_device: H100, mapping: { submit: submit, duration: duration, devices: gpus, group: user }, queue_from: { map: { alice: research, bob: product }${extra} } }`;
    expect(errors(() => load(scenario(trace('')), { 'u.csv': csv }))).toContain('u.csv:4: column user is empty, so the job names no tenant queue (1 job so); give `queue_from.default`');
    expect(queuesOf(load(scenario(trace(', default: eval')), { 'u.csv': csv }))).toEqual(['research', 'product', 'eval']);
  });

  it('a field the trace has no column for is refused, not sent to the default queue', () => {
    // Was: an openb pod list read with the default field (group, which it lacks) and a default
    // queue sent every pod there, its qos map unused; without a default it advised giving one.
    const pods = 'name,num_gpu,gpu_milli,qos,creation_time,deletion_time,scheduled_time\np0,1,1000,LS,0,60,0\np1,1,1000,BE,0,60,0\n';
    const openb = (field: string) => `{ format: alibaba-openb, path: pods.csv, reference_device: H100, queue_from: { ${field}map: { LS: research, BE: eval }, default: eval } }`;
    expect(errors(() => load(scenario(openb('')), { 'pods.csv': pods }))).toContain(
      'workloads[0].trace.queue_from.field: an alibaba-openb pod list has no group column, so no job would name its queue: its QoS class is `field: qos`',
    );
    expect(queuesOf(load(scenario(openb('field: qos, ')), { 'pods.csv': pods }))).toEqual(['research', 'eval']);
    // Philly's and a csv mapping's traces have no QoS column.
    expect(errors(() => load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { field: qos, map: { "6214e9": research }, default: eval } }'), { 'jobs.csv': PHILLY }))).toContain(
      'workloads[0].trace.queue_from.field: a philly trace has no QoS column (only an alibaba-openb pod list has one), so no job would name its queue: its virtual cluster is `field: group`',
    );
    // A csv mapping without `group`, and a Philly file without its cluster column.
    const csv = 'submit,duration,gpus,user\n0,60,1,alice\n';
    expect(errors(() => load(scenario('{ format: csv, path: u.csv, reference_device: H100, mapping: { submit: submit, duration: duration, devices: gpus }, queue_from: { map: { alice: research }, default: eval } }'), { 'u.csv': csv }))).toContain(
      'workloads[0].trace.queue_from.field: the mapping names no group column, so no job would name its queue: name it (`group: <column>`)',
    );
    expect(errors(() => load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { map: { "6214e9": research }, default: eval } }'), { 'jobs.csv': PHILLY.replace(',cluster\n', ',vc2\n') }))).toContain(
      'workloads[0].trace.queue_from.field: jobs.csv has no cluster or vc column, so no job would name its queue',
    );
  });

  it('refuses a map or default naming an unknown queue, queue beside queue_from, and queue_from without tenants', () => {
    const files = { 'jobs.csv': PHILLY };
    expect(errors(() => load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { map: { "6214e9": reserch }, default: eval } }'), files))).toContain(
      "workloads[0].trace.queue_from.map.6214e9: unknown queue 'reserch' (did you mean 'research'?)",
    );
    expect(errors(() => load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { default: evl } }'), files))).toContain("queue_from.default: unknown queue 'evl'");
    expect(errors(() => load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue: eval, queue_from: { default: eval } }'), files))).toContain('give either `queue`');
    const noTenants = scenario('{ format: philly, path: jobs.csv, reference_device: H100, queue_from: { default: eval } }').replace(/tenants:[\s\S]*?workloads:/, 'workloads:');
    expect(errors(() => load(noTenants, files))).toContain('queue_from names tenant queues but the scenario defines no tenants');
  });
});
