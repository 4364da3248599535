// The busiest links of each run of an experiment and who sent their bytes: hot_links.csv (`--links`,
// from each run's flow network: NetworkProgressModel.hotLinks) and its table in the HTML report.
import { cellNumber, cellText, type Table } from './csv-table.js';
import type { RunOutcome } from './worker-pool.js';

/** Links per run in hot_links.csv (switch and inter-DC links, NICs aside), by utilisation over the run. */
export const HOT_LINKS = 10;
/** Heaviest users per link. */
export const HOT_LINK_USERS = 3;

const USER_COLUMNS = Array.from({ length: HOT_LINK_USERS }, (_, i) => [`user_${i + 1}`, `user_${i + 1}_bytes`]).flat();

/** hot_links.csv's columns: the run, the link's rank in it, links.csv's figures, then its heaviest users. */
export const HOT_LINK_COLUMNS = ['run', 'rank', 'link', 'capacity_gbps', 'utilisation', 'bytes_carried', ...USER_COLUMNS];

/** hot_links.csv of an experiment: each run's busiest links (runs without a flow network have none). */
export function hotLinksTable(outcomes: readonly RunOutcome[]): Table {
  const rows: string[][] = [];
  for (const o of outcomes) {
    (o.hotLinks ?? []).forEach((h, i) => {
      const users = Array.from({ length: HOT_LINK_USERS }, (_, u) => (h.users[u] ? [h.users[u].user, cellText(h.users[u].bytes)] : ['', ''])).flat();
      rows.push([String(o.index), String(i + 1), h.link, cellText(h.capacity_gbps), cellText(h.utilisation), cellText(h.bytes_carried), ...users]);
    });
  }
  return { header: HOT_LINK_COLUMNS, rows };
}

const formatBytes = (b: number): string => {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let i = 0;
  while (b >= 1000 && i < units.length - 1) {
    b /= 1000;
    i++;
  }
  return `${b.toFixed(b >= 100 || i === 0 ? 0 : b >= 10 ? 1 : 2)} ${units[i]}`;
};

/**
 * The report's table of busiest links: per run (named by its variant, policies and seed from
 * runs.csv) its links by utilisation, with their bytes and their heaviest users' share of them.
 */
export function hotLinksHtml(hot: Table, runs: Table, esc: (s: string) => string): string {
  const at = (t: Table, c: string): number => t.header.indexOf(c);
  const params = runs.header.slice(1, at(runs, 'scenario'));
  const label = new Map<string, string>();
  for (const r of runs.rows) {
    const parts = [...params.map((p) => `${p}=${r[at(runs, p)]}`), r[at(runs, 'policy')]!, r[at(runs, 'placement')]!, `seed ${r[at(runs, 'seed')]}`];
    label.set(r[0]!, parts.join(', '));
  }
  let html = `<table id="hot-links"><thead><tr>${['run', '#', 'link', 'utilisation', 'bytes', 'capacity', 'heaviest users (share of its bytes)'].map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>`;
  for (const r of hot.rows) {
    const cell = (c: string): string => r[at(hot, c)] ?? '';
    const bytes = cellNumber(cell('bytes_carried'));
    const users: string[] = [];
    for (let u = 1; u <= HOT_LINK_USERS; u++) {
      const name = cell(`user_${u}`);
      if (name !== '') users.push(`${name} (${((100 * cellNumber(cell(`user_${u}_bytes`))) / bytes).toFixed(0)}%)`);
    }
    const run = cell('run');
    html += `<tr><td>${esc(label.get(run) ?? run)}</td><td class="num">${esc(cell('rank'))}</td><td>${esc(cell('link'))}</td><td class="num">${(100 * cellNumber(cell('utilisation'))).toFixed(1)}%</td><td class="num">${esc(formatBytes(bytes))}</td><td class="num">${esc(cellNumber(cell('capacity_gbps')).toFixed(0))} Gb/s</td><td>${esc(users.join(', '))}</td></tr>`;
  }
  return `${html}</tbody></table>`;
}
