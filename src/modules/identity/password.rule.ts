import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';

/** Shortest password accepted (NIST SP 800-63B asks for at least 8; we ask 12). */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** Lowest zxcvbn score accepted: 3 is "safely unguessable" (about 10^8 guesses and more). */
export const MIN_PASSWORD_SCORE = 3;

/**
 * How many leading characters the estimator looks at. A longer password is
 * strong by its length alone, and the estimator's time grows quickly with
 * length (a random 256-character password costs it seconds): capping it
 * keeps a password change from becoming a way to burn the server's CPU.
 */
const ESTIMATED_LENGTH = 64;

/**
 * `<at least 12 characters>`, `{{password}}`, `${PASSWORD}`, `[new password]`:
 * a placeholder copied from a walk-through, not a password. Long enough and
 * odd enough to pass the estimator, it must be refused by its shape.
 */
const PLACEHOLDER = /^\s*(<[^<>]*>|\{\{[^{}]*\}\}|\$\{[^{}]*\}|\[[^[\]]*\])\s*$/;

/** Whether `password` is a documentation placeholder pasted as is. */
export function isPlaceholderPassword(password: string): boolean {
  return PLACEHOLDER.test(password);
}

export const PLACEHOLDER_PROBLEM =
  'looks like a placeholder copied from the documentation (<…>, {{…}}, ${…}); choose a real password';

let estimator: ZxcvbnFactory | undefined;

/**
 * zxcvbn-ts with its common (passwords, keyboard patterns) and English
 * dictionaries, built on first use: building it ranks every dictionary.
 */
function strengthEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...englishDictionary },
    graphs: adjacencyGraphs,
    translations,
    maxLength: ESTIMATED_LENGTH,
    l33tMaxSubstitutions: 10,
  });
  return estimator;
}

/**
 * Why a password is refused, as a stable word: the 400 VALIDATION_FAILED
 * that refuses one names it as `details.fields[].reason`, so a screen can say
 * it in its own language instead of reading the English message.
 */
export const PASSWORD_REFUSALS = [
  'too_short',
  'too_long',
  'placeholder',
  'contains_login_id',
  'too_easy_to_guess',
] as const;
export type PasswordRefusal = (typeof PASSWORD_REFUSALS)[number];

/**
 * Why a password is not acceptable for a user, or null: a reason and one
 * line, to follow the field's name (`newPassword must be at least 12
 * characters`). Length first, then the login id, then what a strength
 * estimator (zxcvbn) thinks of it: common passwords, words, dates, keyboard
 * walks and repetitions such as `abcdabcdabcd` score weak and are refused
 * with the estimator's reason.
 */
export function passwordRefusal(
  password: string,
  loginId: string,
): { reason: PasswordRefusal; problem: string } | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { reason: 'too_short', problem: `must be at least ${MIN_PASSWORD_LENGTH} characters` };
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return { reason: 'too_long', problem: `must be at most ${MAX_PASSWORD_LENGTH} characters` };
  }
  if (isPlaceholderPassword(password)) {
    return { reason: 'placeholder', problem: PLACEHOLDER_PROBLEM };
  }
  const login = loginId.trim().toLowerCase();
  if (login !== '' && password.toLowerCase().includes(login)) {
    return { reason: 'contains_login_id', problem: 'must not contain the login id' };
  }
  const result = strengthEstimator().check(password, [loginId]);
  if (result.score < MIN_PASSWORD_SCORE) {
    const why = result.feedback.warning ?? result.feedback.suggestions[0] ?? null;
    return {
      reason: 'too_easy_to_guess',
      problem: `is too easy to guess${why ? `: ${why.replace(/\.$/, '')}` : ''}`,
    };
  }
  return null;
}

/** The line of {@link passwordRefusal} alone, or null when the password is acceptable. */
export function passwordProblem(password: string, loginId: string): string | null {
  return passwordRefusal(password, loginId)?.problem ?? null;
}

/** How many earlier passwords a user may not take again. */
export const PASSWORD_HISTORY_DEPTH = 5;
