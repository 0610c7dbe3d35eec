import {
  approvalValidUntil,
  decisionRefusal,
  dispatchRefusal,
  registrationRefusal,
  type TakeoutFacts,
  withdrawalRefusal,
} from './takeout.rule.js';

const approvedAt = new Date('2026-11-25T01:00:00.000Z');
const request = (over: Partial<TakeoutFacts> = {}): TakeoutFacts => ({
  id: 'r1',
  status: 'approved',
  applicantUserId: 'applicant',
  recordCount: 1000,
  mediaKinds: ['dvd_r', 'usb'],
  mediaCount: 2,
  mediaRegistered: 0,
  validUntil: approvalValidUntil(approvedAt, 14).toISOString(),
  approvedAt: approvedAt.toISOString(),
  ...over,
});
const dvd = { kind: 'dvd_r', recordCount: 1000 };
const code = (r: { code: string } | null) => r?.code ?? null;

describe('take-out rules', () => {
  it('an approval is valid for whole days after it, to the millisecond', () => {
    expect(approvalValidUntil(approvedAt, 14).toISOString()).toBe('2026-12-09T01:00:00.000Z');
    const last = new Date('2026-12-09T01:00:00.000Z');
    expect(registrationRefusal(request(), dvd, 'applicant', last)).toBeNull();
    expect(
      code(registrationRefusal(request(), dvd, 'applicant', new Date(last.getTime() + 1))),
    ).toBe('TAKEOUT_EXPIRED');
  });

  it.each([
    ['requested', 'TAKEOUT_NOT_APPROVED'],
    ['rejected', 'TAKEOUT_NOT_APPROVED'],
    ['withdrawn', 'TAKEOUT_NOT_APPROVED'],
    ['approved', null],
  ] as const)('a %s request covers a registration: %s', (status, expected) => {
    expect(code(registrationRefusal(request({ status }), dvd, 'applicant', approvedAt))).toBe(
      expected,
    );
    expect(code(dispatchRefusal(request({ status }), 'applicant', approvedAt))).toBe(expected);
  });

  it('refuses a medium dated before the approval, to the millisecond', () => {
    const before = new Date(approvedAt.getTime() - 1);
    expect(registrationRefusal(request(), dvd, 'applicant', before)).toMatchObject({
      code: 'TAKEOUT_NOT_APPROVED',
      details: { reason: 'before_approval', approvedAt: approvedAt.toISOString() },
    });
    expect(registrationRefusal(request(), dvd, 'applicant', approvedAt)).toBeNull();
  });

  it('judges expiry at the server time too: a step cannot be dated back into the approval', () => {
    const inside = new Date('2026-12-01T00:00:00.000Z');
    const later = new Date('2026-12-20T00:00:00.000Z');
    expect(code(dispatchRefusal(request(), 'applicant', inside, later))).toBe('TAKEOUT_EXPIRED');
    expect(code(registrationRefusal(request(), dvd, 'applicant', inside, later))).toBe(
      'TAKEOUT_EXPIRED',
    );
    expect(dispatchRefusal(request(), 'applicant', inside, inside)).toBeNull();
  });

  it('covers only the applicant', () => {
    expect(code(registrationRefusal(request(), dvd, 'colleague', approvedAt))).toBe(
      'NOT_APPLICANT',
    );
    expect(code(dispatchRefusal(request(), 'colleague', approvedAt))).toBe('NOT_APPLICANT');
  });

  it('bounds the count, the kinds and the records, saying which', () => {
    const full = registrationRefusal(request({ mediaRegistered: 2 }), dvd, 'applicant', approvedAt);
    expect(full).toMatchObject({ code: 'TAKEOUT_EXCEEDED', details: { reason: 'media_count' } });
    const kind = registrationRefusal(
      request(),
      { kind: 'paper', recordCount: 1 },
      'applicant',
      approvedAt,
    );
    expect(kind).toMatchObject({ code: 'TAKEOUT_EXCEEDED', details: { reason: 'media_kind' } });
    const records = registrationRefusal(
      request(),
      { kind: 'usb', recordCount: 1001 },
      'applicant',
      approvedAt,
    );
    expect(records).toMatchObject({
      code: 'TAKEOUT_EXCEEDED',
      details: { reason: 'record_count' },
    });
    expect(
      registrationRefusal(request({ mediaRegistered: 1 }), dvd, 'applicant', approvedAt),
    ).toBeNull();
  });

  it('decides with four eyes, once', () => {
    const waiting = request({ status: 'requested', validUntil: null });
    expect(code(decisionRefusal(waiting, 'applicant'))).toBe('SELF_APPROVAL');
    expect(decisionRefusal(waiting, 'approver')).toBeNull();
    expect(code(decisionRefusal(request(), 'approver'))).toBe('TAKEOUT_NOT_PENDING');
    // Self-approval is refused first, whatever the state.
    expect(code(decisionRefusal(request(), 'applicant'))).toBe('SELF_APPROVAL');
  });

  it('lets the applicant withdraw a waiting or approved request only', () => {
    expect(withdrawalRefusal(request(), 'applicant')).toBeNull();
    expect(withdrawalRefusal(request({ status: 'requested' }), 'applicant')).toBeNull();
    expect(code(withdrawalRefusal(request(), 'colleague'))).toBe('NOT_APPLICANT');
    expect(code(withdrawalRefusal(request({ status: 'rejected' }), 'applicant'))).toBe(
      'TAKEOUT_NOT_PENDING',
    );
  });
});
