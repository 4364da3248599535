// The Parallel Workloads Archive's Standard Workload Format (SWF), as its logs are published: header
// comments opening with ';', then one job per line in right-aligned columns separated by runs of
// spaces. `delimiter: space` reads a run of blanks as one separator and leading and trailing blanks
// as none, and skips ';' comment lines, so SWF's field numbers are the mapping's column numbers.
import { describe, expect, it } from 'vitest';
import { parseGenericCsv, type CsvMapping } from '../src/scenario/traces/index.js';
import { loadScenario } from '../src/model/load-scenario.js';

// Fields (SWF 2.2): 1 job, 2 submit s, 3 wait s, 4 run time s, 5 allocated processors, 6 CPU time,
// 7 memory, 8 requested processors, 9 requested time, 10 requested memory, 11 status (1 completed,
// 0 failed, 5 cancelled), 12 user, 13 group, 14 executable, 15 queue, 16 partition, 17 preceding
// job, 18 think time. -1: not recorded.
const SWF = [
  '; Version: 2.2',
  '; Computer: test cluster',
  '; MaxNodes: 128',
  ';',
  '    1      0     10   3600    16     -1     -1    16   7200     -1  1  3  1 -1  1 -1 -1 -1',
  '    2     60      0   1800    32     -1     -1    32   7200     -1  0  3  1 -1  1 -1 -1 -1',
  '   10    120      5    600     8     -1     -1     8   7200     -1  1  4  1 -1  1 -1 -1 -1',
  '   11      7      5  36000     1     -1     -1     1   7200     -1  1  4  1 -1  1 -1 -1 -1',
  '   12   1200     50     -1     4     -1     -1     4   7200     -1  5  4  1 -1  1 -1 -1 -1',
  '  113   1300      0    900    -1     -1     -1     2   7200     -1  1  4  1 -1  1 -1 -1 -1',
  '',
].join('\n');

const MAPPING: CsvMapping = { header: false, delimiter: 'space', id: '1', submit: '2', duration: '4', devices: '5', group: '12' };

describe('SWF, blank-separated', () => {
  it('reads each job from its numbered fields, by hand', () => {
    const t = parseGenericCsv(SWF, MAPPING, { source: 'log.swf' });
    // [id, submit from the earliest (0), run time, devices, user]
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices, j.group])).toEqual([
      ['1', 0, 3600, 16, '3'],
      ['11', 7, 36000, 1, '4'],
      ['2', 60, 1800, 32, '3'],
      ['10', 120, 600, 8, '4'],
    ]);
    // Run time -1 (not recorded) and processors -1: skipped, with their lines in the file.
    expect(t.skipped.map((s) => [s.reason, s.line])).toEqual([
      ['non-positive duration', 9],
      ['bad devices', 10],
    ]);
    expect(t.rows).toBe(6);
    // A headerless file's columns are numbers: the run time's cells are said as columns, not as
    // '-1 s from 4 -1 (s)', which read as a subtraction of two numbers.
    expect(t.skipped[0]!.detail).toBe('-1 s from column 4: -1 (s)');
    const ended = parseGenericCsv(['1,100,50,2', '2,100,160,2'].join('\n'), { header: false, id: '1', submit: '2', end: '3', devices: '4' });
    expect(ended.skipped.map((s) => s.detail)).toEqual(['-50 s from column 3: 50 - column 2: 100 (s)']);
  });

  it('reads the same jobs with tabs, trailing blanks and CRLF, and a status filter on field 11', () => {
    const messy = SWF.split('\n')
      .map((l, i) => (l.startsWith(';') ? l : i % 2 === 0 ? `\t${l.trim().replace(/ +/g, ' \t ')}  ` : l))
      .join('\r\n');
    const t = parseGenericCsv(messy, { ...MAPPING, filter: { column: '11', keep: ['1'] } }, { source: 'log.swf' });
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices])).toEqual([
      ['1', 0, 3600, 16],
      ['11', 7, 36000, 1],
      ['10', 120, 600, 8],
    ]);
    expect(t.filteredByOption.filter).toBe(2);
  });

  it('keeps the blanks inside a quoted field, and reads a blank-separated file with a header', () => {
    const text = 'id   submit  run   gpus  note\n  a      0    60      2  "two  spaces"\n"b  c"   5   120     1  x\n';
    const t = parseGenericCsv(text, { delimiter: 'space', id: 'id', submit: 'submit', duration: 'run', devices: 'gpus', group: 'note' }, { source: 't.txt' });
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices, j.group])).toEqual([
      ['a', 0, 60, 2, 'two  spaces'],
      ['b  c', 5, 120, 1, 'x'],
    ]);
  });

  it('reads the same jobs and lines from the file in pieces, wherever they split it', () => {
    const whole = parseGenericCsv(SWF, MAPPING, { source: 'log.swf' });
    const quoted = 'id submit  run gpus\n a  0 "6\n0"  2 \n "b ""x"" "  5   120   1\n';
    const mapping: CsvMapping = { delimiter: 'space', id: 'id', submit: 'submit', duration: 'run', devices: 'gpus' };
    const wholeQuoted = parseGenericCsv(quoted, mapping, { source: 'q.txt' });
    for (const size of [1, 2, 3, 7, 64]) {
      const pieces = (text: string) => ({ *pieces() { for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size); } });
      expect(parseGenericCsv(pieces(SWF), MAPPING, { source: 'log.swf' })).toEqual(whole);
      expect(parseGenericCsv(pieces(quoted), mapping, { source: 'q.txt' })).toEqual(wholeQuoted);
    }
    // The quoted run time holds a newline (not a number: skipped at its line); the quoted id is read whole (the importer trims ids).
    expect(wholeQuoted.jobs.map((j) => [j.id, j.line])).toEqual([['b "x"', 4]]);
    expect(wholeQuoted.skipped.map((s) => [s.reason, s.line])).toEqual([['bad duration', 2]]);
  });

  it('runs as a scenario trace, the jobs as read', () => {
    const scenario = `name: swf\nseed: 1\nnetwork: ideal\ndatacentres:\n  - name: dc\n    node_groups:\n      - { name: g, count: 4, device: A100-80GB, devices_per_node: 8 }\nworkloads:\n  - trace:\n      format: csv\n      path: log.swf\n      reference_device: A100-80GB\n      mapping: ${JSON.stringify(MAPPING)}\n`;
    const r = loadScenario(scenario, 'dir/s.yaml', { readFile: () => SWF, baseDir: 'dir' });
    expect(r.jobs.map((j) => [j.name, j.submitS, j.fixedRuntimeS, j.devices])).toEqual([
      ['1', 0, 3600, 16],
      ['11', 7, 36000, 1],
      ['2', 60, 1800, 32],
      ['10', 120, 600, 8],
    ]);
  });
});
