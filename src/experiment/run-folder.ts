// One run's folder (`poolsim run`: summary.csv, services.csv, tenants.csv, jobs.csv,
// tenant_shares.csv) read as the one-run experiment it is: the runs.csv, jobs.csv and
// tenant_shares.csv that `poolsim compare` would write for the same scenario, seed and policies,
// cell for cell. The report then draws a run exactly as it draws an experiment.
import { JOB_COLUMNS, SUMMARY_COLUMNS } from '../sim/metrics.js';
import { TENANT_SHARE_COLUMNS } from '../sim/tenant-share-series.js';
import type { Table } from './csv-table.js';
import { SERVICE_METRICS, TENANT_METRICS, TENANT_SUMMARY_COLUMNS } from './metric-table.js';
import { FINGERPRINT_COLUMN, serviceColumns, tenantColumns } from './plan.js';

/** The files of a run folder, as read (each checked against the folder's manifest by the caller). */
export interface RunFolder {
  summary: Table;
  services?: Table | undefined;
  tenants?: Table | undefined;
  jobs?: Table | undefined;
  tenantShares?: Table | undefined;
  /** The scenario's fingerprint (manifest.json's scenario.sha256): runs.csv's last column. */
  fingerprint: string;
}

export interface RunAsExperiment {
  runs: Table;
  jobs?: Table | undefined;
  tenantShares?: Table | undefined;
}

/** A problem with one of the folder's files: its name and what is wrong. */
export class RunFolderError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** The run as experiment tables (run number 0), or RunFolderError when a file is not what `run` writes. */
export function runAsExperiment(folder: RunFolder): RunAsExperiment {
  const { summary } = folder;
  if (summary.rows.length !== 1) throw new RunFolderError('summary.csv', `expected the one row a run writes, found ${summary.rows.length}`);
  const row = summary.rows[0]!;
  const cell = (t: Table, r: readonly string[], column: string, file: string): string => {
    const at = t.header.indexOf(column);
    if (at < 0) throw new RunFolderError(file, `no column '${column}': not the file this version of poolsim writes; re-run the scenario`);
    return r[at]!;
  };
  const named = (t: Table | undefined, key: string, file: string): { names: string[]; rows: Map<string, readonly string[]> } => {
    const rows = new Map<string, readonly string[]>();
    for (const r of t?.rows ?? []) {
      const name = cell(t!, r, key, file);
      if (rows.has(name)) throw new RunFolderError(file, `${key} '${name}' appears twice`);
      rows.set(name, r);
    }
    return { names: [...rows.keys()], rows };
  };
  const services = named(folder.services, 'service', 'services.csv');
  const tenants = named(folder.tenants, 'tenant', 'tenants.csv');
  const cells = ['0', ...SUMMARY_COLUMNS.map((c) => cell(summary, row, c, 'summary.csv'))];
  for (const s of services.names) for (const m of SERVICE_METRICS) cells.push(cell(folder.services!, services.rows.get(s)!, m.column, 'services.csv'));
  if (tenants.names.length > 0) {
    for (const c of TENANT_SUMMARY_COLUMNS) cells.push(cell(summary, row, c, 'summary.csv'));
    for (const t of tenants.names) for (const m of TENANT_METRICS) cells.push(cell(folder.tenants!, tenants.rows.get(t)!, m.column, 'tenants.csv'));
  }
  cells.push(folder.fingerprint);
  const header = ['run', ...SUMMARY_COLUMNS, ...serviceColumns(services.names), ...tenantColumns(tenants.names), FINGERPRINT_COLUMN];
  const numbered = (t: Table | undefined, columns: readonly string[], file: string): Table | undefined =>
    t && { header: ['run', ...columns], rows: t.rows.map((r) => ['0', ...columns.map((c) => cell(t, r, c, file))]) };
  return {
    runs: { header, rows: [cells] },
    jobs: numbered(folder.jobs, JOB_COLUMNS, 'jobs.csv'),
    tenantShares: numbered(folder.tenantShares, TENANT_SHARE_COLUMNS, 'tenant_shares.csv'),
  };
}
