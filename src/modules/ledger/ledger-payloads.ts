/**
 * Shapes of the payloads that the 管理簿 export reads. Each entry carries the
 * names and descriptions as they were when it was recorded, so that an export
 * (or anyone holding one) needs nothing but the ledger.
 */
export interface PartyRef {
  userId: string;
  /** Absent in entries recorded before login ids were carried. */
  loginId?: string;
  displayName: string;
  organizationId: string;
  organizationName: string;
}

/**
 * The take-out approval (持出し承認) a medium of the ward was written and
 * taken out under: which request, who approved it (the 所属長) and when.
 */
export interface TakeoutApprovalRef {
  requestId: string;
  approvedByUserId: string;
  approvedByName: string;
  /** ISO 8601 instant. */
  approvedAt: string;
}

/**
 * The place (作業場所・保管場所) a custody step on the contractor's side
 * happened at: one the ward designated, or one it consented to for the
 * media concerned (持出しの禁止, 特記事項 6), then with those consents.
 */
export interface PlaceRef {
  placeId: string;
  name: string;
  address: string;
  /** The ward's consents (place_consented) that allowed it; absent at a designated place. */
  consentIds?: string[];
}

export interface HandoverItemRef {
  mediumId: string;
  kind: string;
  label: string;
  description: string;
  recordCount: number;
  /** Set on media of the ward taken out under an approved take-out request; absent otherwise. */
  takeout?: TakeoutApprovalRef;
  /** On a dispatch: the place the item leaves from, when its last step named one. */
  place?: PlaceRef;
}

/** `handover_dispatched` */
export interface HandoverDispatchedPayload {
  handoverId: string;
  purpose: string;
  method: string;
  bagId: string | null;
  sealNumber: string | null;
  note: string | null;
  from: PartyRef;
  to: PartyRef;
  items: HandoverItemRef[];
}

/** `handover_received` */
export interface HandoverReceivedPayload {
  handoverId: string;
  purpose: string;
  method: string;
  bagId: string | null;
  sealNumber: string | null;
  from: PartyRef;
  to: PartyRef;
  items: HandoverItemRef[];
  sealIntact: boolean;
  /** Fingerprints the recipient computed, by medium id. */
  sha256: Record<string, string>;
  /** Where the addressee received it (contractor side, on a contract with designated places). */
  place?: PlaceRef;
  /** Items whose fingerprint did not match the registered one. */
  fingerprintMismatches: string[];
  compromisedMediumIds: string[];
  /** Item ids in the state each is in after the receipt. */
  states: Record<string, string>;
}
