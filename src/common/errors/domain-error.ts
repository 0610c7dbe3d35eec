import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

export type ErrorDetails = Record<string, unknown>;

/**
 * An error the caller can act on: a stable `code`, a human message and
 * optional structured details. Services throw it; the exception filter turns
 * it into `{statusCode, code, message, details}`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** What a pure rule answers when it refuses: the error a service throws for it. */
export interface Refusal<C extends ErrorCode = ErrorCode> {
  code: C;
  message: string;
  details: ErrorDetails;
}

/** Throws the refusal a rule gave, if any. */
export function refuse(refusal: Refusal | null): void {
  if (refusal) throw new DomainError(refusal.code, refusal.message, refusal.details);
}
