// Routes between data centres take one lowest-latency path per pair and do not split traffic over
// parallel links. A link that lies on no pair's path while every link is up carries nothing until
// another fails: a planner who adds a second fibre expecting twice the capacity is told so at its
// line, instead of reading a run that silently left it idle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { siteShortestPaths, standbyLinks } from '../src/model/network/site-paths.js';
import { scenarioFromText } from './helpers.js';

const scenario = (links: string, sites = 2): string => `name: links
datacentres:
  - { name: east, node_groups: [{ name: a, count: 2, device: H100 }] }
  - { name: west, node_groups: [{ name: b, count: 2, device: H100 }] }
${sites > 2 ? '  - { name: north, node_groups: [{ name: c, count: 2, device: H100 }] }\n' : ''}links:
${links}
workloads:
  - jobs: [{ name: j, devices: 8, params: 7B, tokens: 1B }]
`;

const warnings = (links: string, sites = 2): string[] => scenarioFromText(scenario(links, sites)).warnings.map((w) => `${w.path}: ${w.message}`);

describe('inter-DC links that carry no traffic while every link is up', () => {
  it('a second fibre of equal latency: warned at it, naming the one listed first', () => {
    const w = warnings('  - { name: fibre-a, between: [east, west], latency: 2ms, bandwidth: 10Gbps }\n  - { name: fibre-b, between: [east, west], latency: 2ms, bandwidth: 10Gbps }');
    expect(w).toEqual([expect.stringMatching(/^links\[1\]: link 'fibre-b' carries no traffic while every link is up: traffic between east and west takes links\[0\] \('fibre-a', 2 ms, listed first\)\. .*give one link with their summed bandwidth$/)]);
  });

  it('a fat link of higher latency beside a thin one: the fat one is the idle one', () => {
    const w = warnings('  - { name: thin, between: [east, west], latency: 2ms, bandwidth: 10Gbps }\n  - { name: fat, between: [west, east], latency: 3ms, bandwidth: 100Gbps }');
    expect(w).toEqual([expect.stringMatching(/^links\[1\]: link 'fat' carries no traffic .*takes links\[0\] \('thin', 2 ms\)\./)]);
  });

  it('a direct link slower than the way round', () => {
    const w = warnings(
      '  - { between: [east, north], latency: 1ms, bandwidth: 100Gbps }\n  - { between: [north, west], latency: 1ms, bandwidth: 100Gbps }\n  - { between: [east, west], latency: 5ms, bandwidth: 100Gbps }',
      3,
    );
    expect(w).toEqual([expect.stringMatching(/^links\[2\]: link 'east-west' carries no traffic while every link is up: every pair of data centres has a lower-latency way round\./)]);
  });

  it('says nothing of a ring or a single link, where every link carries some pair', () => {
    expect(warnings('  - { between: [east, west], latency: 2ms, bandwidth: 100Gbps }')).toEqual([]);
    expect(
      warnings(
        '  - { between: [east, north], latency: 1ms, bandwidth: 100Gbps }\n  - { between: [north, west], latency: 1ms, bandwidth: 100Gbps }\n  - { between: [east, west], latency: 1.5ms, bandwidth: 100Gbps }',
        3,
      ),
    ).toEqual([]);
  });

  it('standbyLinks: exactly the links no lowest-latency path uses, on random site graphs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(
              fc.record({ a: fc.integer({ min: 0, max: n - 1 }), b: fc.integer({ min: 0, max: n - 1 }), latencyS: fc.integer({ min: 1, max: 5 }).map((k) => k * 1e-3) }).filter((l) => l.a !== l.b),
              { minLength: 1, maxLength: 10 },
            ),
          ),
        ),
        ([n, links]) => {
          const standby = standbyLinks(n, links);
          for (let li = 0; li < links.length; li++) {
            let used = false;
            for (let from = 0; from < n; from++) for (const p of siteShortestPaths(n, links, from)) if (p?.some(([x]) => x === li)) used = true;
            expect(standby.includes(li)).toBe(!used);
          }
          // A standby link can be dropped without lengthening any route: the network routes the same.
          const kept = links.filter((_, li) => !standby.includes(li));
          const latency = (ls: typeof links, from: number): (number | undefined)[] => siteShortestPaths(n, ls, from).map((p) => p?.reduce((s, [li]) => s + ls[li]!.latencyS, 0));
          for (let from = 0; from < n; from++) expect(latency(kept, from)).toEqual(latency(links, from));
        },
      ),
    );
  });
});
