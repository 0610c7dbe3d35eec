/**
 * Media kinds and custody states, and the rules that tie them together. Pure:
 * no framework, no database.
 */
export const MEDIUM_KINDS = [
  'dvd_r',
  'cd_r',
  'usb',
  'encrypted_file',
  'paper',
  'password_notice',
] as const;
export type MediumKind = (typeof MEDIUM_KINDS)[number];

export const CUSTODY_STATES = [
  'held',
  'in_transit',
  'returned',
  'erased',
  'destroyed',
  'lost',
  'compromised',
] as const;
export type CustodyState = (typeof CUSTODY_STATES)[number];

/** A medium in one of these states can never move again. */
export const CLOSED_STATES: ReadonlySet<CustodyState> = new Set(['erased', 'destroyed', 'lost']);

/** Kinds that are things carried by hand (everything but an encrypted file). */
export const PHYSICAL_KINDS: ReadonlySet<MediumKind> = new Set([
  'dvd_r',
  'cd_r',
  'usb',
  'paper',
  'password_notice',
]);

export const HANDOVER_METHODS = ['hand', 'lgwan'] as const;
export type HandoverMethod = (typeof HANDOVER_METHODS)[number];

export const HANDOVER_PURPOSES = ['provide', 'return', 'subcontract', 'internal'] as const;
export type HandoverPurpose = (typeof HANDOVER_PURPOSES)[number];

export type HandoverStatus = 'dispatched' | 'received';

export type CustodyRefusal =
  | { code: 'MEDIUM_CLOSED'; mediumId: string; state: CustodyState }
  | { code: 'IN_TRANSIT'; mediumId: string }
  | { code: 'NOT_CUSTODIAN'; mediumId: string };

/**
 * Whether an organization may send a medium now: it must hold it, and the
 * medium must be neither on its way nor gone for good.
 */
export function custodyRefusal(
  medium: { id: string; state: CustodyState; holderOrganizationId: string },
  senderOrganizationId: string,
): CustodyRefusal | null {
  if (CLOSED_STATES.has(medium.state)) {
    return { code: 'MEDIUM_CLOSED', mediumId: medium.id, state: medium.state };
  }
  if (medium.state === 'in_transit') return { code: 'IN_TRANSIT', mediumId: medium.id };
  if (medium.holderOrganizationId !== senderOrganizationId) {
    return { code: 'NOT_CUSTODIAN', mediumId: medium.id };
  }
  return null;
}

/**
 * The state a medium takes when its handover is received: compromised if the
 * seal was broken or its fingerprint did not match, now or on an earlier
 * trip (a compromised medium stays so wherever it goes); returned when it
 * came back to the ward; otherwise held by the addressee.
 */
export function stateOnReceipt(input: {
  compromised: boolean;
  purpose: HandoverPurpose;
  toWard: boolean;
}): CustodyState {
  if (input.compromised) return 'compromised';
  if (input.purpose === 'return' && input.toWard) return 'returned';
  return 'held';
}
