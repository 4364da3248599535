// A request trace out of time order is usually a user's mistake (the wrong time column, two files
// merged without a sort): it was sorted in silence and replayed as if written so. It is still
// replayed in time order, and now said: how many rows arrive before a row above them, the first one's
// line and the line it goes back past.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';

const scenario = `name: order
horizon: 1h
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: H100 }] }
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    replicas: { count: 1, device: H100, datacentre: dc }
    streams:
      - arrival: { process: trace, file: requests.csv }
`;

const warnings = (csv: string): string[] =>
  loadScenario(scenario, 'dir/s.yaml', { readFile: () => csv, baseDir: 'dir' }).warnings.map((w) => `${w.path}: ${w.message}`);

describe('a request trace out of time order', () => {
  it('is warned with the count, the first row out of order and the line it goes back past', () => {
    // Two sorted files merged: the second's rows (lines 5-7) come before the first's last (line 4).
    const merged = 'timestamp,prompt_tokens,output_tokens\n0,100,10\n10,100,10\n20,100,10\n5,100,10\n15,100,10\n25,100,10\n';
    expect(warnings(merged)).toEqual([
      'services[0].streams[0].arrival.file: 2 of 6 rows arrive before a row above them, the first at requests.csv:5 (timestamp 5, before line 4\'s 20): the requests are replayed in time order; a trace out of order is often the wrong time column or files merged unsorted',
    ]);
  });

  it('says nothing when the rows are in order, ties included', () => {
    expect(warnings('timestamp,prompt_tokens,output_tokens\n0,100,10\n0,100,10\n3,100,10\n')).toEqual([]);
  });
});
