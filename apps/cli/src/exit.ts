/**
 * The exit codes of `factorkit`, documented in the README so scripts can tell outcomes apart
 * ("infeasible" from "bad file"). A command sets one with `setExitCode`; errors map to them in
 * `program.ts`.
 */

/** Success. */
export const EXIT_OK = 0;
/** Bad input or usage: an unknown flag, a malformed file, an unknown plugin, an unwritable output. */
export const EXIT_USAGE = 1;
/** A result that is not a solution: infeasible, unbounded, iteration or time limit. */
export const EXIT_NO_SOLUTION = 2;
/** Data problems above the accepted threshold (rejected rows, an unusable dataset, a factor with no values). */
export const EXIT_DATA = 3;
