// GPUs of a Slurm TRES list (sacct's AllocTRES or ReqTRES: 'billing=8,cpu=32,gres/gpu=4,mem=256G,node=1'),
// so that sacct's output is read as Slurm writes it: its GPU count is inside that list, not a
// column of its own. Slurm writes a job's count as gres/gpu and, where GPUs are typed, each type's
// share as gres/gpu:<type> as well, so the typed entries are added only when the untyped one is absent.

/** A TRES list's GPUs; 0 when it names none (a CPU job); undefined when the field is no TRES list or a count is not a whole number. */
export function tresGpus(field: string | undefined): number | undefined {
  const s = field?.trim() ?? '';
  if (s === '') return undefined;
  let untyped: number | undefined;
  let typed = 0;
  for (const entry of s.split(',')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) return undefined;
    const key = entry.slice(0, eq).trim();
    if (key !== 'gres/gpu' && !key.startsWith('gres/gpu:')) continue;
    const text = entry.slice(eq + 1).trim();
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n)) return undefined;
    if (key === 'gres/gpu') untyped = n;
    else typed += n;
  }
  return untyped ?? typed;
}
