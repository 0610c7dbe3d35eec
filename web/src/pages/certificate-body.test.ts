import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  certificateBody,
  type CertificateValues,
  signaturePem,
  signedContent,
  tokyoInstant,
} from './certificate-body';

const values: CertificateValues = {
  certificateNumber: '  DC-2026-0001 ',
  erasedAt: '2026-11-25T12:30',
  dataItems: ['住所', '氏名'],
  systems: ' 作業用PC PC-12 \n\n バックアップ BK-01\r\n',
  places: '本社 3階 作業室',
  mediaIds: ['m2', 'm1'],
  method: 'purge',
  tool: ' CryptoErase 2.1 ',
  verification: ' 全領域を読み出して確認した ',
  performedBy: '作業 五郎',
  witnessedBy: '  ',
};
const order = { dataItems: ['氏名', '住所', '生年月日'], mediaIds: ['m1', 'm2', 'm3'] };

describe('the body of a deletion certificate', () => {
  it('is sent in the form the ledger stores: UTC with milliseconds, text trimmed, one system per line, no empty witness', () => {
    expect(certificateBody('c-1', values, order)).toEqual({
      contractId: 'c-1',
      certificateNumber: 'DC-2026-0001',
      erasedAt: '2026-11-25T03:30:00.000Z',
      scope: {
        dataItems: ['氏名', '住所'],
        systems: ['作業用PC PC-12', 'バックアップ BK-01'],
        places: ['本社 3階 作業室'],
      },
      mediaIds: ['m1', 'm2'],
      method: 'purge',
      tool: 'CryptoErase 2.1',
      verification: '全領域を読み出して確認した',
      performedBy: '作業 五郎',
    });
    expect(
      certificateBody('c-1', { ...values, witnessedBy: ' 立会 六郎 ' }, order).witnessedBy,
    ).toBe('立会 六郎');
  });

  it('takes the erasure time as Tokyo time, and refuses what is not a date and time', () => {
    expect(tokyoInstant('2026-01-01T00:05')).toBe('2025-12-31T15:05:00.000Z');
    expect(tokyoInstant('2026-11-25')).toBeUndefined();
    expect(tokyoInstant('2026-13-45T99:99')).toBeUndefined();
  });

  it('is signed as its RFC 8785 canonical JSON, byte for byte what the service checks', () => {
    const body = certificateBody('c-1', { ...values, witnessedBy: '立会 "六郎"\u2028' }, order);
    const expected = canonicalize(body)!;
    expect(canonicalJson(body)).toBe(expected);
    expect(new TextDecoder().decode(signedContent(body))).toBe(expected);
    expect(
      canonicalJson({ b: [1, 'x', null, true], a: { d: 1.5, c: 'é' }, '\u00e9': 0, Z: 1 }),
    ).toBe(canonicalize({ b: [1, 'x', null, true], a: { d: 1.5, c: 'é' }, '\u00e9': 0, Z: 1 }));
  });
});

describe('a signature file', () => {
  it('keeps a PEM file as it is', () => {
    const pem = '-----BEGIN CMS-----\nMIIB\n-----END CMS-----\n';
    expect(signaturePem(new TextEncoder().encode(`${pem}\n\n`))).toBe(pem);
  });

  it('wraps a binary (DER, .p7s) file as PKCS7 PEM in lines of 64', () => {
    const der = Uint8Array.from({ length: 100 }, (_, i) => (i * 37) % 256);
    const pem = signaturePem(der)!;
    const lines = pem.trim().split('\n');
    expect(lines[0]).toBe('-----BEGIN PKCS7-----');
    expect(lines.at(-1)).toBe('-----END PKCS7-----');
    expect(lines.slice(1, -1).every((l) => l.length <= 64)).toBe(true);
    const decoded = Uint8Array.from(atob(lines.slice(1, -1).join('')), (c) => c.charCodeAt(0));
    expect(decoded).toEqual(der);
  });

  it('is nothing when empty', () => {
    expect(signaturePem(new Uint8Array())).toBeUndefined();
  });
});
