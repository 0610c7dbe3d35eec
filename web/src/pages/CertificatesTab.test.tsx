import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { components } from '../api/schema';
import { answer, mockApi, renderWithClient } from '../test/api-mock';
import { contract, rosterEntry, user, WARD, X } from '../test/fixtures';
import { CertificateReview, CertificatesTab } from './CertificatesTab';

type Schemas = components['schemas'];

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const medium = (
  id: string,
  label: string,
  holderOrganizationId: string,
  state: Schemas['CustodyResponse']['state'] = 'held',
) =>
  ({
    id,
    contractId: 'c-1',
    kind: 'dvd_r',
    label,
    description: '住民税課税資料',
    recordCount: 100,
    encrypted: true,
    sha256: null,
    unlocksMediumId: null,
    takeoutRequestId: null,
    derivedFrom: null,
    copyPermissionId: null,
    registeredAt: '2026-11-25T00:00:00.000Z',
    custody: { state, holderOrganizationId } as Schemas['CustodyResponse'],
  }) as Schemas['MediumResponse'];

const certificate = (
  id: string,
  status: Schemas['DeletionCertificateResponse']['status'],
  extra: Partial<Schemas['DeletionCertificateResponse']> = {},
): Schemas['DeletionCertificateResponse'] => ({
  id,
  contractId: 'c-1',
  organizationId: X,
  certificateNumber: `DC-${id}`,
  status,
  erasedAt: '2026-11-25T03:30:00.000Z',
  scope: { dataItems: ['氏名'], systems: ['PC-12'], places: ['本社'] },
  mediaIds: [],
  method: 'purge',
  tool: 'CryptoErase 2.1',
  verification: '確認した',
  performedBy: '作業 五郎',
  witnessedBy: null,
  signerFingerprint256: null,
  submittedByUserId: 'resp',
  submittedAt: '2026-11-25T04:00:00.000Z',
  submitSeq: 10,
  decidedByUserId: null,
  decidedAt: null,
  decisionSeq: null,
  decisionNote: null,
  ...extra,
});

function world(
  me: Schemas['UserResponse'],
  certificates: Schemas['DeletionCertificateResponse'][] = [],
) {
  return {
    '/api/auth/me': me,
    '/api/contracts/{id}/roster': {
      items: [rosterEntry('resp', 'responsible'), rosterEntry('hand', 'handler')],
    },
    '/api/contracts/{id}/media': {
      items: [
        medium('m-ward', '区の保管分', WARD),
        medium('m2', '住民-002', X),
        medium('m1', '住民-001', X),
        medium('m-gone', '住民-009', X, 'erased'),
      ],
    },
    '/api/contracts/{id}/deletion-certificates': { items: certificates },
  };
}

async function fillRequired(u: ReturnType<typeof userEvent.setup>) {
  const form = screen.getByRole('form', { name: '消去証明書を提出する' });
  await u.type(within(form).getByLabelText(/^証明書番号/), ' DC-2026-0009 ');
  // datetime-local: jsdom takes the value as typed.
  const when = within(form).getByLabelText('消去した日時');
  await u.clear(when);
  await u.type(when, '2026-11-25T12:30');
  await u.click(within(form).getByLabelText('住所'));
  await u.click(within(form).getByLabelText('氏名'));
  await u.type(
    within(form).getByLabelText('消去したシステム・機器（1行に1つ）'),
    'PC-12{enter}{enter}FS-01',
  );
  await u.click(within(form).getByLabelText('住民-002（DVD-R）'));
  await u.click(within(form).getByLabelText('住民-001（DVD-R）'));
  await u.selectOptions(within(form).getByLabelText('消去方法（NIST SP 800-88）'), 'destroy');
  await u.type(within(form).getByLabelText(/^使用したツール・機器/), 'シュレッダー SD-300');
  await u.type(within(form).getByLabelText(/^消去の検証方法と結果/), '裁断片を目視で確認した');
  await u.type(within(form).getByLabelText('実施者'), '作業 五郎');
  return form;
}

describe('the 消去証明書 form of the responsible person', () => {
  it('says in Japanese beside each field what is missing, and sends nothing', async () => {
    const { post } = mockApi(world(user('resp', 'contractor_staff', X)));
    renderWithClient(<CertificatesTab contract={contract} />);
    const form = await screen.findByRole('form', { name: '消去証明書を提出する' });
    await userEvent.click(within(form).getByRole('button', { name: '提出する' }));
    for (const text of [
      '証明書番号を入力してください。',
      '消去した日時を入力してください。',
      '消去した情報項目を選んでください。',
      'ツール・機器を入力してください。',
      '検証方法と結果を入力してください。',
      '実施者を入力してください。',
    ]) {
      expect(await within(form).findByText(text)).toBeTruthy();
    }
    expect(
      within(form)
        .getByLabelText(/^証明書番号/)
        .getAttribute('aria-invalid'),
    ).toBe('true');
    expect(post).not.toHaveBeenCalled();
  });

  it('offers only the media its organization holds, and sends the certificate as the ledger stores it', async () => {
    const { post } = mockApi(world(user('resp', 'contractor_staff', X)), (path) =>
      path === '/api/contracts/{id}/deletion-certificates'
        ? answer(201, { id: 'new', seq: 11, hash: 'h' })
        : undefined,
    );
    const u = userEvent.setup();
    renderWithClient(<CertificatesTab contract={contract} />);
    await screen.findByRole('form', { name: '消去証明書を提出する' });
    expect(screen.queryByLabelText(/区の保管分/)).toBeNull();
    expect(screen.queryByLabelText(/住民-009/)).toBeNull();
    const form = await fillRequired(u);
    await u.click(within(form).getByRole('button', { name: '提出する' }));
    await screen.findByText('消去証明書を提出しました。区の確認を待っています。');
    expect(post).toHaveBeenCalledTimes(1);
    expect(post.mock.calls[0]![1]).toMatchObject({
      params: { path: { id: 'c-1' } },
      body: {
        contractId: 'c-1',
        certificateNumber: 'DC-2026-0009',
        erasedAt: '2026-11-25T03:30:00.000Z',
        scope: { dataItems: ['氏名', '住所'], systems: ['PC-12', 'FS-01'], places: [] },
        mediaIds: ['m2', 'm1'],
        method: 'destroy',
        tool: 'シュレッダー SD-300',
        verification: '裁断片を目視で確認した',
        performedBy: '作業 五郎',
      },
    });
    const body = (post.mock.calls[0]![1] as { body: Record<string, unknown> }).body;
    expect('witnessedBy' in body).toBe(false);
    expect('signature' in body).toBe(false);
  });

  it('sends a signature file as PEM, and says a refusal in Japanese, never the code', async () => {
    const { post } = mockApi(world(user('resp', 'contractor_staff', X)), () =>
      answer(422, { statusCode: 422, code: 'SIGNATURE_INVALID', message: 'x', details: {} }),
    );
    const u = userEvent.setup();
    renderWithClient(<CertificatesTab contract={contract} />);
    await screen.findByRole('form', { name: '消去証明書を提出する' });
    const form = await fillRequired(u);
    const file = within(form).getByLabelText('署名ファイル（.p7s または PEM）');
    await u.upload(file, new File([new Uint8Array()], 'empty.p7s'));
    expect(
      await within(form).findByText(
        /署名ファイル（PEM または DER 形式、50KB まで）を選んでください。/,
      ),
    ).toBeTruthy();
    await u.upload(file, new File([Uint8Array.from([0x30, 0x82, 0x01, 0x00])], 'sig.p7s'));
    await within(form).findByText('署名ファイル sig.p7s を添付します。');
    await u.click(within(form).getByRole('button', { name: '提出する' }));
    const alert = await within(form).findByText('署名を検証できませんでした。');
    expect(alert.closest('[role="alert"]')).toBeTruthy();
    expect(form.textContent).not.toContain('SIGNATURE_INVALID');
    const body = (post.mock.calls[0]![1] as { body: { signature: string } }).body;
    expect(body.signature).toBe('-----BEGIN PKCS7-----\nMIIBAA==\n-----END PKCS7-----\n');
  });

  it('is not offered to a handler who is not the responsible person, nor to the ward', async () => {
    mockApi(world(user('hand', 'contractor_staff', X), [certificate('a', 'submitted')]));
    renderWithClient(<CertificatesTab contract={contract} />);
    await screen.findByRole('table', { name: /消去証明書の一覧（1件）/ });
    expect(screen.queryByRole('form', { name: '消去証明書を提出する' })).toBeNull();
    expect(screen.queryByRole('button', { name: /確認・差戻し/ })).toBeNull();
  });
});

describe('the certificates list', () => {
  it('shows each state in Japanese; the officer may review only what awaits the ward, an auditor nothing', async () => {
    const list = [
      certificate('a', 'submitted'),
      certificate('b', 'confirmed', {
        decidedByUserId: 'officer',
        decidedAt: '2026-11-26T00:00:00.000Z',
      }),
      certificate('c', 'rejected', { decisionNote: 'バックアップが記載されていない' }),
    ];
    mockApi(world(user('officer', 'ward_officer', WARD), list));
    renderWithClient(<CertificatesTab contract={contract} />);
    const rowA = await screen.findByRole('row', { name: /DC-a/ });
    expect(within(rowA).getByText('確認待ち')).toBeTruthy();
    expect(within(screen.getByRole('row', { name: /DC-b/ })).getByText('確認済み')).toBeTruthy();
    const rowC = screen.getByRole('row', { name: /DC-c/ });
    expect(within(rowC).getByText('差戻し')).toBeTruthy();
    expect(rowC.textContent).toContain('理由：バックアップが記載されていない');
    expect(screen.getAllByRole('button', { name: /確認・差戻し/ })).toHaveLength(1);
    expect(
      within(rowA)
        .getByRole('link', { name: /PDF をダウンロード/ })
        .getAttribute('href'),
    ).toBe('/api/contracts/c-1/deletion-certificates/a.pdf');
    cleanup();
    vi.restoreAllMocks();
    mockApi(world(user('aud', 'auditor', WARD), list));
    renderWithClient(<CertificatesTab contract={contract} />);
    await screen.findByRole('row', { name: /DC-a/ });
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.queryByRole('form')).toBeNull();
  });
});

describe('the officer’s review', () => {
  it('shows the PDF beside the decision, refuses a rejection without a reason, and sends the reason', async () => {
    const done = vi.fn();
    const { post } = mockApi(world(user('officer', 'ward_officer', WARD)), () =>
      answer(201, { id: 'a', seq: 12, hash: 'h' }),
    );
    const u = userEvent.setup();
    renderWithClient(
      <CertificateReview
        contractId="c-1"
        certificate={certificate('a', 'submitted')}
        mediaLabels={[]}
        onDone={done}
      />,
    );
    // Opened from the list, the review takes the focus.
    expect(document.activeElement).toBe(
      screen.getByRole('heading', { name: '消去証明書 DC-a の確認' }),
    );
    const frame = screen.getByTitle('消去証明書 DC-a の PDF');
    expect(frame.getAttribute('src')).toBe('/api/contracts/c-1/deletion-certificates/a.pdf');
    await u.click(screen.getByRole('button', { name: '差し戻す' }));
    expect(await screen.findByText('差戻しの理由を入力してください。')).toBeTruthy();
    expect(post).not.toHaveBeenCalled();
    await u.type(screen.getByLabelText('差戻しの理由'), '  バックアップの記載がない ');
    await u.click(screen.getByRole('button', { name: '差し戻す' }));
    await waitFor(() => expect(done).toHaveBeenCalledWith('reject'));
    expect(post).toHaveBeenCalledWith('/api/contracts/{id}/deletion-certificates/{certId}/reject', {
      params: { path: { id: 'c-1', certId: 'a' } },
      body: { reason: 'バックアップの記載がない' },
    });
  });

  it('confirms with the remarks, and says a refusal in Japanese', async () => {
    const { post } = mockApi(world(user('officer', 'ward_officer', WARD)), () =>
      answer(409, {
        statusCode: 409,
        code: 'CERTIFICATE_ALREADY_DECIDED',
        message: 'x',
        details: {},
      }),
    );
    const u = userEvent.setup();
    renderWithClient(
      <CertificateReview
        contractId="c-1"
        certificate={certificate('a', 'submitted')}
        mediaLabels={['住民-001']}
        onDone={() => undefined}
      />,
    );
    await u.type(screen.getByLabelText('所見（任意）'), '確認した');
    await u.click(screen.getByRole('button', { name: '確認する' }));
    expect(await screen.findByText('この証明書はすでに確認または差戻し済みです。')).toBeTruthy();
    expect(post.mock.calls[0]).toEqual([
      '/api/contracts/{id}/deletion-certificates/{certId}/confirm',
      { params: { path: { id: 'c-1', certId: 'a' } }, body: { remarks: '確認した' } },
    ]);
  });
});
