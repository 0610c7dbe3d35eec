/** Shortest password accepted (NIST SP 800-63B asks for at least 8; we ask 12). */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * Why a password is not acceptable for a user, or null. Length is the main
 * rule; a password that merely repeats the login or one character is refused.
 */
export function passwordProblem(password: string, loginId: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  }
  if (password.toLowerCase().includes(loginId.toLowerCase())) {
    return 'must not contain the login id';
  }
  if (new Set(password).size < 4) return 'must use at least 4 different characters';
  return null;
}

/** How many earlier passwords a user may not take again. */
export const PASSWORD_HISTORY_DEPTH = 5;
