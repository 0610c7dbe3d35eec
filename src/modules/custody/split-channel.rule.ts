import type { HandoverMethod, MediumKind } from './custody-state.js';

/**
 * The split-channel rule of seed 000: encrypted data and the password that
 * opens it travel on separate occasions (それぞれ別の機会), by hand, and a
 * password notice never travels electronically. Pure: the caller gathers the
 * facts, this decides.
 */

export interface ItemFacts {
  id: string;
  kind: MediumKind;
  /** For a password notice: the medium it unlocks. */
  unlocksMediumId: string | null;
}

export interface PastDispatch {
  handoverId: string;
  mediumId: string;
  /** ISO instant the earlier dispatch occurred. */
  dispatchedAt: string;
}

export interface SplitChannelInput {
  items: ItemFacts[];
  method: HandoverMethod;
  occurredAt: Date;
  minSeparationMinutes: number;
  /** For every item: the ids of its counterparts (its notices, or the medium a notice unlocks). */
  counterparts: ReadonlyMap<string, readonly string[]>;
  /** Every dispatch, at any time, that carried a counterpart of an item. */
  counterpartDispatches: readonly PastDispatch[];
  /** Media now in transit in the same bag under other handovers. */
  bagCargo: readonly { handoverId: string; mediumId: string }[];
}

export type SplitChannelRule = 'same_channel' | 'same_handover' | 'same_occasion' | 'same_bag';

export interface SplitChannelViolation {
  rule: SplitChannelRule;
  mediumId: string;
  counterpartId?: string;
  handoverId?: string;
  /**
   * same_occasion: the first instant at which this item may go, the minimum
   * separation after the latest dispatch of its counterparts (ISO 8601).
   */
  earliestAt?: string;
  message: string;
}

const MINUTE = 60_000;

export function checkSplitChannel(input: SplitChannelInput): SplitChannelViolation | null {
  for (const item of input.items) {
    if (item.kind === 'password_notice' && input.method === 'lgwan') {
      return {
        rule: 'same_channel',
        mediumId: item.id,
        message: 'A password notice is never sent electronically (LGWAN); hand it over',
      };
    }
  }

  const ids = new Set(input.items.map((i) => i.id));
  for (const item of input.items) {
    for (const counterpartId of input.counterparts.get(item.id) ?? []) {
      if (ids.has(counterpartId)) {
        return {
          rule: 'same_handover',
          mediumId: item.id,
          counterpartId,
          message: 'A medium and its password notice never travel in the same handover',
        };
      }
    }
  }

  const separationMs = input.minSeparationMinutes * MINUTE;
  const at = input.occurredAt.getTime();
  for (const item of input.items) {
    const counterparts = new Set(input.counterparts.get(item.id) ?? []);
    for (const other of input.counterpartDispatches) {
      if (!counterparts.has(other.mediumId)) continue;
      const gap = Math.abs(at - new Date(other.dispatchedAt).getTime());
      if (gap < separationMs) {
        const latest = Math.max(
          ...input.counterpartDispatches
            .filter((d) => counterparts.has(d.mediumId))
            .map((d) => new Date(d.dispatchedAt).getTime()),
        );
        return {
          rule: 'same_occasion',
          mediumId: item.id,
          counterpartId: other.mediumId,
          handoverId: other.handoverId,
          earliestAt: new Date(latest + separationMs).toISOString(),
          message: `A medium and its password notice must be handed over at least ${input.minSeparationMinutes} minutes apart (this one is ${Math.floor(gap / MINUTE)} minutes from the other)`,
        };
      }
    }
  }

  for (const item of input.items) {
    const counterparts = new Set(input.counterparts.get(item.id) ?? []);
    const carried = input.bagCargo.find((c) => counterparts.has(c.mediumId));
    if (carried) {
      return {
        rule: 'same_bag',
        mediumId: item.id,
        counterpartId: carried.mediumId,
        handoverId: carried.handoverId,
        message:
          'The bag still carries the counterpart of this item; use another bag or wait for its receipt',
      };
    }
  }
  return null;
}

/**
 * Which way each kind may travel: LGWAN carries encrypted files only;
 * anything by hand goes in a locked bag (鍵付きカバン), so a bag id is needed.
 */
export function methodRefusal(
  items: ItemFacts[],
  method: HandoverMethod,
  bagId: string | null | undefined,
): { mediumId?: string; message: string } | null {
  if (method === 'lgwan') {
    const wrong = items.find((i) => i.kind !== 'encrypted_file');
    if (wrong) {
      return {
        mediumId: wrong.id,
        message: `LGWAN carries encrypted files only, not ${wrong.kind}`,
      };
    }
    return null;
  }
  if (!bagId) return { message: 'A handover by hand needs the id of the locked bag (bagId)' };
  return null;
}
