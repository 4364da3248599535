// docs/reading-traces.md, run: every block of the page is loaded as a scenario would load it, on
// synthetic rows written in that trace's published format (headers and value forms from its
// repository's README or sample), and what it reads is checked by hand, so the page cannot go stale.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { repoPath } from './helpers.js';
import { toyScenario } from './inference-helpers.js';

/** The page's sections (### title) with their one yaml block each. */
function blocks(): Map<string, Record<string, unknown>> {
  const text = readFileSync(repoPath('docs/reading-traces.md'), 'utf8');
  const out = new Map<string, Record<string, unknown>>();
  for (const section of text.split(/^### /m).slice(1)) {
    const title = section.slice(0, section.indexOf('\n')).trim();
    const yaml = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(yaml, title).toHaveLength(1);
    out.set(title, parse(yaml[0]!) as Record<string, unknown>);
  }
  return out;
}

const POOL = ['V100-SXM2-16GB', 'V100-SXM2-32GB', 'T4', 'P100', 'A100-80GB'];

/** A training block's jobs: [name, submit s, run time s, GPUs, share in thousandths], and the load's warnings. */
function jobs(block: Record<string, unknown>, rows: string) {
  const groups = POOL.map((d, i) => `      - { name: g${i}, count: 2, device: ${d}, devices_per_node: 8 }`).join('\n');
  const text = `name: t\nseed: 1\nnetwork: ideal\ndatacentres:\n  - name: dc\n    node_groups:\n${groups}\nworkloads:\n  - trace: ${JSON.stringify(block.trace)}\n`;
  const r = loadScenario(text, 'dir/s.yaml', { readFile: () => rows, baseDir: 'dir' });
  return {
    jobs: r.jobs.map((j) => [j.name, j.submitS, j.fixedRuntimeS, j.devices, j.milli ?? 1000]),
    skipped: Object.fromEntries(r.traceReports.flatMap((t) => Object.entries(t.skippedByReason ?? {}))),
  };
}

/** An inference block's requests: arrival s (to the microsecond), prompt and output tokens. */
function requests(block: Record<string, unknown>, rows: string) {
  const r = loadScenario(toyScenario({ arrival: JSON.stringify(block.arrival), count: 1_000_000 }), 'dir/s.yaml', { readFile: () => rows, baseDir: 'dir' });
  const t = r.services[0]!.streams[0]!.trace!;
  return {
    requests: [...t.timeS].map((x, i) => [Math.round(x * 1e6) / 1e6, t.promptTokens[i], t.outputTokens[i]]),
    skipped: t.skipped.map((s) => [s.reason, s.count, s.firstLine]),
  };
}

const lines = (...l: string[]): string => l.join('\n') + '\n';

// The training sections' rows, in each trace's published format.
const PAI_ROWS = lines(
  't1,tensorflow,1.0,Terminated,1000.0,4600.0,600.0,29.296875,50.0,T4',
  't2,worker,4.0,Terminated,1200.0,2200.0,600.0,29.296875,100.0,V100',
  't3,PyTorchWorker,1.0,Failed,1300.0,1400.0,600.0,29.296875,800.0,V100M32',
  't4,worker,1.0,Running,1400.0,,600.0,29.296875,100.0,T4',
);
const HELIOS_ROWS = lines(
  'job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue',
  '1,u1,vc1,8,64,1,COMPLETED,2020-06-09 18:41:01,2020-06-09 20:41:01,2020-06-09 21:41:01,3600,7200',
  '2,u2,vc1,0,4,1,COMPLETED,2020-06-09 18:41:27,2020-06-09 18:41:27,2020-06-09 18:45:36,249,0',
  '3,u3,vc2,1,1,1,CANCELLED,2020-06-09 18:42:00,,2020-06-09 18:50:00,0,',
  '4,u3,vc2,4,16,1,FAILED,2020-06-09 18:51:01,2020-06-09 18:51:01,2020-06-09 18:55:10,249,0',
);
const SEREN_ROWS = lines(
  'job_id,user,node_num,gpu_num,cpu_num,type,state,submit_time,start_time,end_time,duration,queue,gpu_time',
  '101,u1,1,8,128,Other,FAILED,2023-03-01 00:18:22+08:00,2023-03-01 00:18:54+08:00,2023-03-01 00:20:51+08:00,117,32,936.0',
  '102,u1,1,8,128,Other,COMPLETED,2023-03-01 00:23:58+08:00,2023-03-01 00:24:11+08:00,2023-03-01 01:09:04+08:00,2693,13,21544.0',
  // Submitted before midnight, Shanghai time: 16:10:00Z the day before, the trace's time 0.
  '103,u2,1,1,16,SFT,COMPLETED,2023-03-01 00:10:00+08:00,2023-03-01 00:10:00+08:00,2023-03-01 00:11:00+08:00,60,0,60.0',
);
// What the page's jq writes from cluster_job_log's records.
const PHILLY_ROWS = lines(
  '{"jobid":"application_1506638472019_10238","vc":"6214e9","status":"Pass","submitted_time":"2017-10-07 14:35:24","start_time":"2017-10-07 14:35:26","end_time":"2017-10-07 14:45:13","gpus":1}',
  '{"jobid":"application_1506638472019_10239","vc":"6214e9","status":"Killed","submitted_time":"2017-10-07 14:36:00","start_time":null,"end_time":null,"gpus":0}',
  '{"jobid":"application_1506638472019_10240","vc":"6214e9","status":"Failed","submitted_time":"2017-10-07 15:00:00","start_time":"2017-10-07 15:10:00","end_time":"2017-10-07 15:12:00","gpus":8}',
);

// An SWF log as the Archive publishes it: header comments, right-aligned columns.
const SWF_ROWS = lines(
  '; Version: 2.2',
  '; Computer: test',
  '    1      0     10   3600    16     -1     -1    16   7200     -1  1  3  1 -1  1 -1 -1 -1',
  '    2     60      0   1800    32     -1     -1    32   7200     -1  0  3  1 -1  1 -1 -1 -1',
  '   10    120      5    600     8     -1     -1     8   7200     -1  1  4  1 -1  1 -1 -1 -1',
  '   11    700      5     -1     2     -1     -1     2   7200     -1  5  4  1 -1  1 -1 -1 -1',
);

// sacct -a -X --parsable2 in Los Angeles, across the night clocks went forward (2024-03-10 02:00 PST).
const SACCT_ROWS = lines(
  'JobID|Account|State|Submit|Start|End|AllocTRES',
  // 01:50 PST (09:50Z) to 03:10 PDT (10:10Z): 20 minutes, not the clock's 80.
  '1001|ml|COMPLETED|2024-03-10T01:40:00|2024-03-10T01:50:00|2024-03-10T03:10:00|billing=32,cpu=32,gres/gpu=4,mem=256G,node=1',
  '1002|ml|CANCELLED by 4242|2024-03-10T01:45:00|Unknown|Unknown|',
  '1003|cv|TIMEOUT|2024-03-10T03:00:00|2024-03-10T03:00:00|2024-03-10T05:00:00|billing=64,cpu=64,gres/gpu:a100=8,gres/gpu=8,mem=1T,node=2',
  '1004|cv|COMPLETED|2024-03-10T03:05:00|2024-03-10T03:05:00|2024-03-10T03:35:00|billing=4,cpu=4,mem=16G,node=1',
);

// Each section's rows and what they must read as, given the section's block.
const CASES: Record<string, (block: Record<string, unknown>) => void> = {
  'Alibaba PAI 2020: pai_task_table': (b) => {
    // 50% of a T4 for an hour; 4 instances of one V100; a failed task held 8 GPUs for 100 s.
    expect(jobs(b, PAI_ROWS)).toEqual({
      jobs: [
        ['t1', 0, 3600, 1, 500],
        ['t2', 200, 1000, 4, 1000],
        ['t3', 300, 100, 8, 1000],
      ],
      skipped: { 'bad end': 1 },
    });
  },
  'SenseTime Helios: cluster_log.csv': (b) => {
    // Job 1 queued 2 h and ran 1 h: 3600 s, not end - submit's 10800.
    expect(jobs(b, HELIOS_ROWS)).toEqual({ jobs: [['1', 0, 3600, 8, 1000], ['4', 600, 249, 4, 1000]], skipped: { 'no GPU requested': 1, 'bad start': 1 } });
  },
  'Shanghai AI Lab Acme: trace_seren.csv and trace_kalos.csv': (b) => {
    expect(jobs(b, SEREN_ROWS).jobs).toEqual([['103', 0, 60, 1, 1000], ['101', 502, 117, 8, 1000], ['102', 838, 2693, 8, 1000]]);
    const kalos = lines(
      'job_id,user,node_num,gpu_num,cpu_num,mem_per_pod_GB,shared_mem_per_pod,type,state,submit_time,start_time,end_time,fail_time,stop_time,duration,queue,gpu_time',
      'k1,u1,8,64,960,1000,100.0,Other,FAILED,2023-05-17 11:00:58+00:00,2023-05-17 11:01:08+00:00,2023-05-17 11:01:16+00:00,2023-05-17 11:01:16+00:00,,18,10.0,1152.0',
      'k2,u1,8,64,960,1000,100.0,Other,CANCELLED,2023-05-17 11:28:42+00:00,2023-05-17 11:28:54+00:00,2023-05-17 11:30:04+00:00,,2023-05-17 11:30:04+00:00,82,12.0,5248.0',
    );
    // end - start: 8 s and 70 s, where Kalos's duration column says 18 and 82 (end - submit).
    expect(jobs(b, kalos).jobs).toEqual([['k1', 0, 8, 64, 1000], ['k2', 1664, 70, 64, 1000]]);
  },
  'Microsoft Philly: cluster_job_log': (b) => {
    expect(jobs(b, PHILLY_ROWS)).toEqual({
      jobs: [['application_1506638472019_10238', 0, 587, 1, 1000], ['application_1506638472019_10240', 1476, 120, 8, 1000]],
      skipped: { 'no GPU requested': 1 },
    });
  },
  'Parallel Workloads Archive: SWF logs': (b) => {
    // Job 11's run time is -1 (cancelled before it ran): skipped.
    expect(jobs(b, SWF_ROWS)).toEqual({ jobs: [['1', 0, 3600, 16, 1000], ['2', 60, 1800, 32, 1000], ['10', 120, 600, 8, 1000]], skipped: { 'non-positive duration': 1 } });
  },
  'Slurm: sacct': (b) => {
    // Job 1003 was submitted at 03:00 PDT (10:00Z), 20 min after 1001 (09:40Z); its TRES lists 8
    // GPUs twice (untyped and a100), 8 in all; 1002 never started, 1004 held no GPU.
    expect(jobs(b, SACCT_ROWS)).toEqual({ jobs: [['1001', 0, 1200, 4, 1000], ['1003', 1200, 7200, 8, 1000]], skipped: { 'bad devices': 1, 'no GPU requested': 1 } });
    // Written without -X: each job's steps follow it as rows of their own, skipped and counted.
    const rows = SACCT_ROWS.split('\n');
    const steps = [
      '1001.batch|ml|COMPLETED|2024-03-10T01:50:00|2024-03-10T01:50:00|2024-03-10T03:10:00|cpu=32,gres/gpu=4,mem=256G,node=1',
      '1001.extern|ml|COMPLETED|2024-03-10T01:50:00|2024-03-10T01:50:00|2024-03-10T03:10:00|billing=32,cpu=32,gres/gpu=4,mem=256G,node=1',
      '1003.0|cv|CANCELLED|2024-03-10T03:01:00|2024-03-10T03:01:00|2024-03-10T05:00:00|cpu=64,gres/gpu=8,node=2',
    ];
    const withSteps = [rows[0], rows[1], steps[0], steps[1], rows[2], rows[3], steps[2], ...rows.slice(4)].join('\n');
    expect(jobs(b, withSteps)).toEqual({ jobs: [['1001', 0, 1200, 4, 1000], ['1003', 1200, 7200, 8, 1000]], skipped: { 'Slurm job step': 3, 'bad devices': 1, 'no GPU requested': 1 } });
  },
  'Azure LLM inference 2023 and 2024': (b) => {
    const rows = lines(
      'TIMESTAMP,ContextTokens,GeneratedTokens',
      '2024-05-10 00:00:00.009930+00:00,2162,5',
      '2024-05-10 00:00:00.410500+00:00,1054,18',
      '2024-05-10 00:00:03.000000+00:00,327,410',
    );
    expect(requests(b, rows)).toEqual({ requests: [[0, 2162, 5], [0.40057, 1054, 18], [2.99007, 327, 410]], skipped: [] });
    // The 2023 form: seven fractional digits, no zone.
    expect(requests(b, lines('TIMESTAMP,ContextTokens,GeneratedTokens', '2023-11-16 18:15:46.6805900,374,44', '2023-11-16 18:15:50.9951690,396,109')).requests).toEqual([[0, 374, 44], [4.314579, 396, 109]]);
  },
  BurstGPT: (b) => {
    const rows = lines(
      'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type',
      '5,ChatGPT,472,18,490,Conversation log',
      '45,ChatGPT,1087,251,1338,Conversation log',
      '118,GPT-4,417,276,693,Conversation log',
      '134,ChatGPT,1360,0,1360,API log',
    );
    expect(requests(b, rows)).toEqual({
      requests: [[0, 472, 18], [40, 1087, 251], [113, 417, 276]],
      skipped: [['with a bad Timestamp or token count', 1, 5]],
    });
  },
  Mooncake: (b) => {
    const rows = lines(
      '{"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}',
      '{"timestamp": 0, "input_length": 7322, "output_length": 490, "hash_ids": [0, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]}',
      '{"timestamp": 3000, "input_length": 2012, "output_length": 354, "hash_ids": [0, 427, 428, 429]}',
      '{"timestamp": 5999, "input_length": 1053, "output_length": 26, "hash_ids": [0, 773, 774]}',
    );
    expect(requests(b, rows)).toEqual({ requests: [[0, 6758, 500], [0, 7322, 490], [3, 2012, 354], [5.999, 1053, 26]], skipped: [] });
  },
  'Splitwise simulator traces': (b) => {
    const rows = lines(
      'request_id,request_type,application_id,arrival_timestamp,batch_size,prompt_size,token_size',
      '0,2,0,0.0123,1,1020,129',
      '1,2,0,0.0291,1,4142,12',
      '2,2,0,0.0410,1,55,300',
    );
    expect(requests(b, rows)).toEqual({ requests: [[0, 1020, 129], [0.0168, 4142, 12], [0.0287, 55, 300]], skipped: [] });
  },
};

describe('docs/reading-traces.md', () => {
  it('has a case here for every section, and a section for every case', () => {
    expect([...blocks().keys()].sort()).toEqual(Object.keys(CASES).sort());
  });
  for (const [title, check] of Object.entries(CASES)) it(title, () => check(blocks().get(title)!));
});

/** The page's table of filters: section title -> its `filter: { ... }`. */
function filters(): Map<string, Record<string, unknown>> {
  const text = readFileSync(repoPath('docs/reading-traces.md'), 'utf8');
  return new Map([...text.matchAll(/^\| ([^|]+?) \| `filter: (\{[^`]*\})`/gm)].map((m) => [m[1]!, parse(m[2]!) as Record<string, unknown>]));
}

// Each training section's rows read with its filter from the page's table: only the completed jobs,
// at the times they had without it (the rows dropped still set time 0).
const COMPLETED: Record<string, [string, ReturnType<typeof jobs>]> = {
  'Alibaba PAI 2020: pai_task_table': [PAI_ROWS, { jobs: [['t1', 0, 3600, 1, 500], ['t2', 200, 1000, 4, 1000]], skipped: {} }],
  'SenseTime Helios: cluster_log.csv': [HELIOS_ROWS, { jobs: [['1', 0, 3600, 8, 1000]], skipped: { 'no GPU requested': 1 } }],
  'Shanghai AI Lab Acme: trace_seren.csv and trace_kalos.csv': [SEREN_ROWS, { jobs: [['103', 0, 60, 1, 1000], ['102', 838, 2693, 8, 1000]], skipped: {} }],
  'Microsoft Philly: cluster_job_log': [PHILLY_ROWS, { jobs: [['application_1506638472019_10238', 0, 587, 1, 1000]], skipped: {} }],
  'Parallel Workloads Archive: SWF logs': [SWF_ROWS, { jobs: [['1', 0, 3600, 16, 1000], ['10', 120, 600, 8, 1000]], skipped: {} }],
  'Slurm: sacct': [SACCT_ROWS, { jobs: [['1001', 0, 1200, 4, 1000]], skipped: { 'no GPU requested': 1 } }],
};

describe("docs/reading-traces.md's filters", () => {
  it('has a row for each training section, each naming a section', () => {
    expect([...filters().keys()].sort()).toEqual(Object.keys(COMPLETED).sort());
  });
  for (const [title, [rows, expected]] of Object.entries(COMPLETED)) {
    it(`${title}: keeps the completed jobs`, () => {
      const b = blocks().get(title)! as { trace: { mapping: Record<string, unknown> } };
      const trace = { ...b.trace, mapping: { ...b.trace.mapping, filter: filters().get(title) } };
      expect(jobs({ trace }, rows)).toEqual(expected);
    });
  }
});
