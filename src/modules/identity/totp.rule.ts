/**
 * When a TOTP code (RFC 6238) is accepted, apart from the HMAC itself: which
 * time steps a code may belong to, and which of them are spent.
 *
 * A code is the HMAC of a time step (30 s). Clocks drift and people type
 * slowly, so the step before and the step after the current one are accepted
 * too (a window of 1, as RFC 6238 §5.2 recommends). A code is accepted once:
 * the last accepted step is stored, and a code of that step or an earlier one
 * is refused, so a code read over someone's shoulder cannot be used again
 * within its window, and neither can an older code that is still inside it.
 */

/** Seconds per time step. */
export const TOTP_PERIOD_SECONDS = 30;
/** Steps accepted on either side of the current one. */
export const TOTP_WINDOW = 1;
/** Digits of a code. */
export const TOTP_DIGITS = 6;

/** The time step an instant falls in. */
export function totpStep(at: Date, periodSeconds = TOTP_PERIOD_SECONDS): number {
  return Math.floor(at.getTime() / 1000 / periodSeconds);
}

/**
 * The steps a code typed at `currentStep` may still be matched against,
 * oldest first: the window around the current step, without the steps at or
 * before the last accepted one.
 */
export function candidateSteps(
  currentStep: number,
  lastAcceptedStep: number | null,
  window = TOTP_WINDOW,
): number[] {
  const steps: number[] = [];
  for (let step = currentStep - window; step <= currentStep + window; step++) {
    if (lastAcceptedStep === null || step > lastAcceptedStep) steps.push(step);
  }
  return steps;
}

/** The first instant of a step: what a code for that step is computed at. */
export function stepStart(step: number, periodSeconds = TOTP_PERIOD_SECONDS): Date {
  return new Date(step * periodSeconds * 1000);
}
