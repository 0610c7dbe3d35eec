import { isEmail, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';

/** `addr@example.jp` or `Display name <addr@example.jp>` (RFC 5322 name-addr, no comments). */
const NAME_ADDR = /^([^<>\p{Cc}]*?)\s*<([^<>\s]+)>$/u;

/** The address of a mailbox written either way, or null when it is neither. */
export function mailboxAddress(value: string): string | null {
  const named = NAME_ADDR.exec(value.trim());
  const address = named ? named[2] : value.trim();
  return address !== undefined && isEmail(address) ? address : null;
}

/** MAIL_FROM: one mailbox, bare or with a display name. */
@ValidatorConstraint({ name: 'isMailbox' })
export class IsMailbox implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && mailboxAddress(value) !== null;
  }
  defaultMessage(): string {
    return 'must be an e-mail address, or a name and an address as 管理簿 <kanribo@example.jp>';
  }
}
