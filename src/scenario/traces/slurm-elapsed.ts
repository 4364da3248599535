// Slurm's elapsed time, as sacct writes its Elapsed field: [DD-[HH:]]MM:SS (sacct(1) man page,
// JOB ACCOUNTING FIELDS, Elapsed: "The format of this field's output is as follows:
// [DD-[HH:]]MM:SS"; sacct prints 02:00:00, or 1-02:00:00 from a day on). In a duration column it is
// unambiguous: a colon is no number, so it is read whatever the mapping's time_unit, in seconds.
// Anything looser (hours 24 or more beside days, minutes or seconds 60 or more, a day without
// hours, a fraction, a sign) is not Slurm's and not read: 75:00 could be minutes or hours.

/** The form read, as said to a user whose duration field is neither a number nor this. */
export const SLURM_ELAPSED_FORM = "Slurm's elapsed time [DD-[HH:]]MM:SS (1-02:00:00, 02:00:00, 45:10)";

const ELAPSED = /^(?:(?:(\d+)-)?(\d{1,2}):)?(\d{1,2}):(\d{2})$/;

/** Seconds of a field in Slurm's elapsed form; undefined when the field is not in that form. */
export function slurmElapsedS(field: string | undefined): number | undefined {
  const m = ELAPSED.exec(field?.trim() ?? '');
  if (!m) return undefined;
  const days = m[1] === undefined ? 0 : Number(m[1]);
  const hours = m[2] === undefined ? 0 : Number(m[2]);
  const minutes = Number(m[3]);
  const seconds = Number(m[4]);
  if (m[1] !== undefined && hours >= 24) return undefined;
  if (minutes >= 60 || seconds >= 60) return undefined;
  const s = ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
  return Number.isSafeInteger(s) ? s : undefined;
}
