// The band within which an automatic layout's runner-up is a near-tie (layout-search.ts nearTieOf):
// a leaf, so that the terminal summary can say it without loading the step-time model.
/**
 * The share of a step within which two automatic layouts are a near-tie the model cannot tell
 * apart: its mean |error| over the given set, the sixteen published runs it is calibrated against
 * (docs/calibration.md, "Check: the given set"), at the precision it is printed (two decimals of a
 * percent). That is the error of the model where it is best known; a choice that turns on less is
 * within what the model gets wrong even there (the held-out sanity sets err more, 4-9%, so this is
 * the least the band could honestly be). Copied by hand from the rows, not computed at run time (the
 * sixteen step times take too long for every run): test/calibration-runs.test.ts recomputes the
 * mean and fails when this figure, or the one docs/calibration.md states, differs from it.
 */
export const NEAR_TIE_SHARE = 0.0259;

/** The band as every note, table and document prints it: a percent to two decimals. */
export const NEAR_TIE_PERCENT = `${(NEAR_TIE_SHARE * 100).toFixed(2)}%`;
