// Job step rows of Slurm's sacct. Without -X, sacct lists each step of a job as a row of its own
// after the job's (JobID 1001.batch, 1001.extern, 1001.0; 1001_4.batch for an array task, 1001+0.0
// for a heterogeneous job's component), each holding some or all of the job's GPUs: read as jobs,
// a trace held two to four times the jobs it recorded. A step's JobID is its job's, a dot, and the
// step's name or number (Slurm's sacct documentation, JobID).

/** The JobID column's name in sacct's output, read where the mapping names no id column. */
export const SACCT_JOB_ID_COLUMN = 'JobID';

/** The skip reason of a step row. */
export const SLURM_JOB_STEP = 'Slurm job step';

/** What a step row's JobID should have been: the hint to write the trace with sacct -X. */
export const SLURM_JOB_STEP_EXPECTED = 'one row per job: sacct without -X lists each job step (<job>.batch, <job>.extern, <job>.<n>) as a row of its own; write the trace with sacct -X';

const STEP = /^\d+(?:_(?:\d+|\[[^\]]*\]))?(?:\+\d+)?\.[A-Za-z0-9_+]+$/;

/** Whether a sacct JobID names a job step (1001.batch) rather than a job (1001, 1001_4). */
export function isSlurmStepId(field: string | undefined): boolean {
  return field !== undefined && STEP.test(field.trim());
}
