import type { components } from '../api/schema';
import { BUSINESS_TIMEZONE } from '../format';

type Submit = components['schemas']['SubmitCertificateRequest'];
export type ErasureMethod = Submit['method'];

/** NIST SP 800-88 Rev. 1 の消去方法（App. G の Sanitization Method）。 */
export const ERASURE_METHODS = {
  clear: 'Clear（上書き消去など、通常の読出しで復元できない消去）',
  purge: 'Purge（暗号消去・ブロック消去・消磁など、高度な手段でも復元できない消去）',
  destroy: 'Destroy（破砕・溶解・裁断などの物理的な破壊）',
} satisfies Record<ErasureMethod, string>;

/** The method in a word, for lists. */
export const METHOD_NAMES = {
  clear: 'Clear（消去）',
  purge: 'Purge（除去）',
  destroy: 'Destroy（破壊）',
} satisfies Record<ErasureMethod, string>;

/** 確認待ち・確認済み・差戻し: a certificate's state as the ward officer says it. */
export const CERTIFICATE_STATUSES = {
  submitted: '確認待ち',
  confirmed: '確認済み',
  rejected: '差戻し',
} satisfies Record<components['schemas']['DeletionCertificateResponse']['status'], string>;

/** What the submission form holds, as typed. */
export interface CertificateValues {
  certificateNumber: string;
  /** `YYYY-MM-DDTHH:mm` of an <input type="datetime-local">, in the ward's time (Asia/Tokyo). */
  erasedAt: string;
  dataItems: string[];
  /** One system or place per line. */
  systems: string;
  places: string;
  mediaIds: string[];
  method: ErasureMethod;
  tool: string;
  verification: string;
  performedBy: string;
  witnessedBy: string;
}

/** The lines of a text area, trimmed, without the empty ones. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** `2026-11-25T09:30` typed in Tokyo as the instant the service stores (UTC, milliseconds). */
export function tokyoInstant(local: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return undefined;
  // Japan has had no daylight saving time since 1951: Tokyo is always +09:00.
  const offset = BUSINESS_TIMEZONE === 'Asia/Tokyo' ? '+09:00' : 'Z';
  const instant = new Date(`${local}:00${offset}`);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
}

/**
 * The body of POST …/deletion-certificates, in the form the ledger stores it
 * (erasedAt in UTC with milliseconds, text trimmed, no empty witness), with
 * the contract it is for. A signed certificate must be sent in exactly this
 * form, and this is also what the contractor signs (see {@link signedContent}).
 * The lists keep the order they have on screen (the contract's data items,
 * the media list), whatever order they were ticked in.
 */
export function certificateBody(
  contractId: string,
  v: CertificateValues,
  order: { dataItems: readonly string[]; mediaIds: readonly string[] },
): Omit<Submit, 'signature'> & { contractId: string } {
  const witnessedBy = v.witnessedBy.trim();
  return {
    contractId,
    certificateNumber: v.certificateNumber.trim(),
    erasedAt: tokyoInstant(v.erasedAt) ?? v.erasedAt,
    scope: {
      dataItems: order.dataItems.filter((d) => v.dataItems.includes(d)),
      systems: lines(v.systems),
      places: lines(v.places),
    },
    mediaIds: order.mediaIds.filter((id) => v.mediaIds.includes(id)),
    method: v.method,
    tool: v.tool.trim(),
    verification: v.verification.trim(),
    performedBy: v.performedBy.trim(),
    ...(witnessedBy ? { witnessedBy } : {}),
  };
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * RFC 8785 (JSON Canonicalization Scheme) for what a certificate holds:
 * members sorted by their UTF-16 code units, no white space, strings and
 * numbers as ECMAScript's JSON.stringify writes them (which RFC 8785 adopts).
 */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(',')}}`;
}

/** The bytes the contractor signs: the UTF-8 canonical JSON of the body. */
export function signedContent(body: ReturnType<typeof certificateBody>): Uint8Array {
  return new TextEncoder().encode(canonicalJson(body));
}

/**
 * A signature file as the API takes it (PEM text): a PEM file as it is, a
 * binary .p7s / DER file wrapped as `-----BEGIN PKCS7-----`. Undefined for
 * an empty file.
 */
export function signaturePem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (/-----BEGIN (PKCS7|CMS)-----/.test(text)) return text.trim() + '\n';
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const base64 = btoa(binary);
  const wrapped = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PKCS7-----\n${wrapped.join('\n')}\n-----END PKCS7-----\n`;
}
