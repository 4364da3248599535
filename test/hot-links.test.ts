// The busiest links and who used them (hot_links.csv, `--links`): the same bytes and utilisation as
// links.csv, NIC links aside, in order; every byte of a link counted for exactly one user (jobs by
// name, a service's KV caches under the service); asking for it changes no other output byte.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../src/experiment/experiment.js';
import { HOT_LINK_COLUMNS, HOT_LINKS } from '../src/experiment/hot-links.js';
import { Simulation } from '../src/sim/simulation.js';
import type { LinkRow } from '../src/sim/signals.js';
import type { HotLink } from '../src/sim/link-ledger.js';
import { poolsim, repoPath, runToCsv, scenarioFromText } from './helpers.js';

function hot(name: string, horizon?: string): { hot: HotLink[]; links: LinkRow[] } {
  let text = readFileSync(repoPath(`scenarios/${name}.yaml`), 'utf8');
  if (horizon) text = text.replace(/^horizon:.*$/m, '') + `horizon: ${horizon}\n`;
  const links: LinkRow[] = [];
  const sim = new Simulation(scenarioFromText(text), { linkSink: (l) => links.push(l) });
  sim.network!.trackLinkUsers();
  const r = sim.run();
  return { hot: sim.network!.hotLinks(r.endS, 100_000, 100_000), links };
}

describe('hot links', () => {
  it("agree with links.csv, NICs aside, busiest first, and split each link's bytes among its users", () => {
    for (const [name, horizon, user] of [['fabric-planning', '6h', /^job-\d\d$/], ['inference-disaggregated', undefined, /^[a-z0-9-]+$/]] as const) {
      const { hot: rows, links } = hot(name, horizon);
      const fabric = links.filter((l) => !l.link.startsWith('nic-'));
      expect(rows.length, name).toBe(fabric.length);
      expect(rows.length).toBeGreaterThan(0);
      const byName = new Map(links.map((l) => [l.link, l]));
      rows.forEach((h, i) => {
        const l = byName.get(h.link)!;
        expect(h.bytes_carried).toBe(l.bytes_carried);
        expect(h.utilisation).toBe(l.utilisation);
        if (i > 0) expect(h.utilisation).toBeLessThanOrEqual(rows[i - 1]!.utilisation);
        const sum = h.users.reduce((s, u) => s + u.bytes, 0);
        expect(sum / h.bytes_carried, `${name} ${h.link}`).toBeCloseTo(1, 9);
        for (const u of h.users) expect(u.user).toMatch(user);
      });
    }
  });

  it('a service counts its KV caches under its name', () => {
    const { hot: rows } = hot('inference-disaggregated');
    const users = new Set(rows.flatMap((h) => h.users.map((u) => u.user)));
    const services = [...readFileSync(repoPath('scenarios/inference-disaggregated.yaml'), 'utf8').matchAll(/^ {2}- name: ([a-z0-9-]+)/gm)].map((m) => m[1]);
    for (const u of users) expect(services).toContain(u);
  });

  it('an experiment with --links keeps the top 10 per run; asking for it changes nothing else', async () => {
    const text = readFileSync(repoPath('scenarios/fabric-planning.yaml'), 'utf8').replace(/^seed: 1$/m, 'seed: 1\nhorizon: 3h');
    const spec = { scenarioText: text, scenarioFile: 'fabric-planning.yaml', sweep: [], policies: [], placements: [], seeds: [1] };
    const plain = await runExperiment(spec, { workers: 1 });
    const withLinks = await runExperiment(spec, { workers: 1, hotLinks: true });
    expect(withLinks.runs).toEqual(plain.runs);
    expect(plain.hotLinks).toBeUndefined();
    expect(withLinks.hotLinks!.header).toEqual(HOT_LINK_COLUMNS);
    expect(withLinks.hotLinks!.rows.length).toBe(HOT_LINKS);
    expect(withLinks.hotLinks!.rows.map((r) => r[1])).toEqual(Array.from({ length: HOT_LINKS }, (_, i) => String(i + 1)));
    // The same bytes as a single run's links.csv would give.
    const links: LinkRow[] = [];
    runToCsv(scenarioFromText(text), { linkSink: (l) => links.push(l) });
    const first = withLinks.hotLinks!.rows[0]!;
    expect(Number(first[5]) / links.find((l) => l.link === first[2])!.bytes_carried).toBeCloseTo(1, 9);
  });

  it('--links on a scenario without switch traffic (network: ideal) says hot_links.csv has only its header', () => {
    const out = mkdtempSync(join(tmpdir(), 'poolsim-hot-'));
    try {
      const r = poolsim('compare', 'scenarios/gavel-hetero.yaml', '--links', '--seeds', '1', '--policies', 'fifo', '--out', join(out, 'x'), '--quiet');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('warning: --links: no run sent bytes over a switch or inter-DC link');
      expect(readFileSync(join(out, 'x', 'hot_links.csv'), 'utf8').trim()).toBe(HOT_LINK_COLUMNS.join(','));
      const withTraffic = poolsim('compare', 'scenarios/two-dc-latency.yaml', '--links', '--seeds', '1', '--policies', 'fifo', '--out', join(out, 'y'), '--quiet');
      expect(withTraffic.code).toBe(0);
      expect(withTraffic.stderr).not.toContain('--links: no run');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
