import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { forwardRef, useEffect, useId, useRef, useState, type TextareaHTMLAttributes } from 'react';
import { useForm } from 'react-hook-form';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pager, usePaged } from '../components/Pager';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';
import { dateTime, MEDIUM_KINDS } from '../format';
import { useMe } from '../session';
import {
  CERTIFICATE_STATUSES,
  certificateBody,
  type CertificateValues,
  ERASURE_METHODS,
  METHOD_NAMES,
  signaturePem,
  signedContent,
  tokyoInstant,
} from './certificate-body';
import { useMedia } from './contract-hooks';
import type { Contract } from './ContractPage';

type Certificate = components['schemas']['DeletionCertificateResponse'];
type Medium = components['schemas']['MediumResponse'];

export function useRoster(contractId: string) {
  return useQuery({
    queryKey: ['roster', contractId],
    queryFn: () =>
      unwrap(api.GET('/api/contracts/{id}/roster', { params: { path: { id: contractId } } })),
  });
}

export function useCertificates(contractId: string) {
  return useQuery({
    queryKey: ['certificates', contractId],
    queryFn: () =>
      unwrap(
        api.GET('/api/contracts/{id}/deletion-certificates', {
          params: { path: { id: contractId } },
        }),
      ),
  });
}

/** The printable certificate (GET …/deletion-certificates/:certId.pdf). */
export function certificatePdfUrl(contractId: string, certificateId: string): string {
  return `/api/contracts/${contractId}/deletion-certificates/${certificateId}.pdf`;
}

/** 委託先・再委託先・区: who an organization is on this contract. */
export function organizationLabel(contract: Contract, organizationId: string): string {
  if (organizationId === contract.wardOrganizationId) return '区（所管課）';
  if (organizationId === contract.contractorOrganizationId) return '委託先';
  if (contract.subcontractorOrganizationIds.includes(organizationId)) return '再委託先';
  return 'その他の組織';
}

/**
 * 消去証明書: the contract's certificates and their state; the responsible
 * person of a contractor submits one, the ward officer confirms or rejects
 * it with its PDF beside the decision.
 */
export function CertificatesTab({ contract }: { contract: Contract }) {
  const me = useMe();
  const certificates = useCertificates(contract.id);
  const roster = useRoster(contract.id);
  const media = useMedia(contract.id);
  const [reviewing, setReviewing] = useState<string | null>(null);
  const [decided, setDecided] = useState<string | null>(null);
  const items = certificates.data?.items ?? [];
  const paged = usePaged(items);
  const active = contract.status === 'active';
  const officer = me.data?.role === 'ward_officer' && active;
  // The responsible person (取扱責任者) named on the roster submits (the service checks the dates).
  const responsible =
    me.data?.role === 'contractor_staff' &&
    active &&
    (roster.data?.items ?? []).some(
      (r) => r.userId === me.data?.id && r.role === 'responsible' && r.removedAt === null,
    );
  const nameOf = (userId: string | null) =>
    userId === null
      ? '—'
      : userId === me.data?.id
        ? `${me.data.displayName}（本人）`
        : (roster.data?.items.find((r) => r.userId === userId)?.displayName ?? '区の職員');
  const labelOf = (id: string) => media.data?.items.find((m) => m.id === id)?.label ?? '（不明）';
  const reviewed = items.find((c) => c.id === reviewing && c.status === 'submitted');

  return (
    <>
      <h2>消去証明書</h2>
      {responsible && media.data && (
        <CertificateForm contract={contract} media={media.data.items} />
      )}
      <ErrorMessage error={certificates.error ?? roster.error} />
      {decided && (
        <p role="status" className="success">
          {decided}
        </p>
      )}
      {certificates.data && (
        <>
          <table>
            <caption>消去証明書の一覧（{items.length}件）</caption>
            <thead>
              <tr>
                <th scope="col">証明書番号</th>
                <th scope="col">提出</th>
                <th scope="col">消去</th>
                <th scope="col">対象</th>
                <th scope="col">状態</th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {paged.rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    {c.certificateNumber}
                    <br />
                    {organizationLabel(contract, c.organizationId)}
                    {c.signerFingerprint256 ? '・電子署名あり' : ''}
                  </td>
                  <td>
                    {dateTime(c.submittedAt)}
                    <br />
                    {nameOf(c.submittedByUserId)}
                  </td>
                  <td>
                    {dateTime(c.erasedAt)}・{METHOD_NAMES[c.method]}
                    <br />
                    {c.tool}
                  </td>
                  <td>
                    {c.scope.dataItems.join('、')}
                    {c.mediaIds.length > 0 && (
                      <>
                        <br />
                        媒体：{c.mediaIds.map(labelOf).join('、')}
                      </>
                    )}
                  </td>
                  <td>
                    <span
                      className={
                        c.status === 'confirmed'
                          ? 'badge success'
                          : c.status === 'rejected'
                            ? 'badge error'
                            : 'badge'
                      }
                    >
                      {CERTIFICATE_STATUSES[c.status]}
                    </span>
                    {c.decidedAt && (
                      <>
                        <br />
                        {dateTime(c.decidedAt)} {nameOf(c.decidedByUserId)}
                      </>
                    )}
                    {c.decisionNote && (
                      <>
                        <br />
                        {c.status === 'rejected' ? '理由' : '所見'}：{c.decisionNote}
                      </>
                    )}
                  </td>
                  <td>
                    <div className="actions">
                      <a href={certificatePdfUrl(contract.id, c.id)} download>
                        PDF をダウンロード
                        <span className="visually-hidden">（{c.certificateNumber}）</span>
                      </a>
                      {officer && c.status === 'submitted' && (
                        <button
                          type="button"
                          className="button secondary"
                          aria-expanded={reviewing === c.id}
                          aria-controls="certificate-review"
                          onClick={() => {
                            setDecided(null);
                            setReviewing(reviewing === c.id ? null : c.id);
                          }}
                        >
                          確認・差戻し
                          <span className="visually-hidden">（{c.certificateNumber}）</span>
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            page={paged.page}
            pageCount={paged.pageCount}
            onPage={paged.setPage}
            label="消去証明書"
          />
        </>
      )}
      {officer && reviewed && (
        <CertificateReview
          key={reviewed.id}
          contractId={contract.id}
          certificate={reviewed}
          mediaLabels={reviewed.mediaIds.map(labelOf)}
          onDone={(kind) => {
            setReviewing(null);
            setDecided(
              `消去証明書 ${reviewed.certificateNumber} を${kind === 'confirm' ? '確認しました' : '差し戻しました'}。`,
            );
          }}
        />
      )}
    </>
  );
}

/** The ward officer's review: the PDF beside the decision (confirm with remarks, or reject with a reason). */
export function CertificateReview({
  contractId,
  certificate,
  mediaLabels,
  onDone,
}: {
  contractId: string;
  certificate: Certificate;
  mediaLabels: string[];
  onDone: (kind: 'confirm' | 'reject') => void;
}) {
  const queryClient = useQueryClient();
  // Opened from the list: keyboard and screen-reader users land on it.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const [remarks, setRemarks] = useState('');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const path = { params: { path: { id: contractId, certId: certificate.id } } };
  const decide = useMutation({
    mutationFn: (kind: 'confirm' | 'reject') =>
      unwrap(
        kind === 'confirm'
          ? api.POST('/api/contracts/{id}/deletion-certificates/{certId}/confirm', {
              ...path,
              body: remarks.trim() ? { remarks: remarks.trim() } : {},
            })
          : api.POST('/api/contracts/{id}/deletion-certificates/{certId}/reject', {
              ...path,
              body: { reason: reason.trim() },
            }),
      ),
    onSuccess: async (_answer, kind) => {
      for (const key of ['certificates', 'media', 'outstanding', 'ledger']) {
        await queryClient.invalidateQueries({ queryKey: [key, contractId] });
      }
      onDone(kind);
    },
  });
  const pdf = certificatePdfUrl(contractId, certificate.id);
  return (
    <section id="certificate-review" className="review" aria-labelledby="certificate-review-title">
      <h3 id="certificate-review-title" ref={heading} tabIndex={-1}>
        消去証明書 {certificate.certificateNumber} の確認
      </h3>
      <div className="review-grid">
        <iframe
          src={pdf}
          title={`消去証明書 ${certificate.certificateNumber} の PDF`}
          className="pdf-frame"
        />
        <div>
          <dl className="facts">
            <dt>消去方法</dt>
            <dd>{ERASURE_METHODS[certificate.method]}</dd>
            <dt>消去した情報</dt>
            <dd>{certificate.scope.dataItems.join('、')}</dd>
            <dt>システム・機器</dt>
            <dd>{certificate.scope.systems.join('、') || '—'}</dd>
            <dt>場所</dt>
            <dd>{certificate.scope.places.join('、') || '—'}</dd>
            <dt>媒体</dt>
            <dd>{mediaLabels.join('、') || '—'}</dd>
            <dt>消去の確認方法</dt>
            <dd>{certificate.verification}</dd>
            <dt>実施者・立会者</dt>
            <dd>
              {certificate.performedBy}・{certificate.witnessedBy ?? '立会なし'}
            </dd>
          </dl>
          <p>
            <a href={pdf} download>
              PDF をダウンロード
            </a>
          </p>
          <div className="field">
            <label htmlFor="certificate-remarks">所見（任意）</label>
            <textarea
              id="certificate-remarks"
              rows={2}
              maxLength={2000}
              value={remarks}
              onChange={(e) => setRemarks(e.target.value)}
            />
          </div>
          <button
            type="button"
            className="button primary"
            disabled={decide.isPending}
            onClick={() => decide.mutate('confirm')}
          >
            確認する
          </button>
          <div className="field">
            <label htmlFor="certificate-reason">差戻しの理由</label>
            <textarea
              id="certificate-reason"
              rows={2}
              maxLength={2000}
              value={reason}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={reasonError ? 'certificate-reason-error' : undefined}
              onChange={(e) => setReason(e.target.value)}
            />
            {reasonError && (
              <p id="certificate-reason-error" className="field-error" role="alert">
                {reasonError}
              </p>
            )}
          </div>
          <button
            type="button"
            className="button secondary"
            disabled={decide.isPending}
            onClick={() => {
              if (reason.trim().length === 0) {
                setReasonError('差戻しの理由を入力してください。');
                return;
              }
              setReasonError(undefined);
              decide.mutate('reject');
            }}
          >
            差し戻す
          </button>
          <ErrorMessage error={decide.error} />
        </div>
      </div>
    </section>
  );
}

/** A labelled text area whose error is tied to it (the TextField of longer text). */
const TextArea = forwardRef<
  HTMLTextAreaElement,
  TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; error?: string; hint?: string }
>(function TextArea({ label, error, hint, ...area }, ref) {
  const id = useId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <textarea
        id={id}
        ref={ref}
        rows={3}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...area}
      />
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
});

/** Media the organization holds, that an erasure may cover. */
function erasable(media: Medium[], organizationId: string | undefined): Medium[] {
  return media.filter(
    (m) =>
      m.custody.holderOrganizationId === organizationId &&
      (m.custody.state === 'held' || m.custody.state === 'compromised'),
  );
}

const EMPTY: CertificateValues = {
  certificateNumber: '',
  erasedAt: '',
  dataItems: [],
  systems: '',
  places: '',
  mediaIds: [],
  method: 'purge',
  tool: '',
  verification: '',
  performedBy: '',
  witnessedBy: '',
};

/**
 * 消去証明書の提出 (NIST SP 800-88 Rev. 1 App. G): what was erased, on which
 * systems and where, which media, when, how, with what tool, how it was
 * verified, by whom; optionally a detached PKCS#7/CMS signature over the
 * canonical JSON of exactly this body, which the form offers to download.
 */
export function CertificateForm({ contract, media }: { contract: Contract; media: Medium[] }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const form = useForm<CertificateValues>({ defaultValues: EMPTY });
  const [signature, setSignature] = useState<{ name: string; pem: string } | null>(null);
  const [signatureError, setSignatureError] = useState<string | undefined>();
  const [fileKey, setFileKey] = useState(0);
  const { errors, isSubmitting } = form.formState;
  const held = erasable(media, me.data?.organizationId);
  const order = { dataItems: contract.dataItems, mediaIds: held.map((m) => m.id) };
  const submit = useMutation({
    mutationFn: (v: CertificateValues) =>
      unwrap(
        api.POST('/api/contracts/{id}/deletion-certificates', {
          params: { path: { id: contract.id } },
          body: {
            ...certificateBody(contract.id, v, order),
            ...(signature ? { signature: signature.pem } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      form.reset(EMPTY);
      setSignature(null);
      setFileKey((k) => k + 1);
      for (const key of ['certificates', 'outstanding', 'ledger']) {
        await queryClient.invalidateQueries({ queryKey: [key, contract.id] });
      }
    },
  });

  async function downloadSignedContent() {
    if (!(await form.trigger())) return;
    const body = certificateBody(contract.id, form.getValues(), order);
    const blob = new Blob([signedContent(body) as BlobPart], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `消去証明書-${body.certificateNumber}-署名対象.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  async function pickSignature(file: File | undefined) {
    setSignatureError(undefined);
    if (!file) {
      setSignature(null);
      return;
    }
    const pem =
      file.size <= 50_000 ? signaturePem(new Uint8Array(await file.arrayBuffer())) : undefined;
    if (!pem) {
      setSignature(null);
      setSignatureError('署名ファイル（PEM または DER 形式、50KB まで）を選んでください。');
      return;
    }
    setSignature({ name: file.name, pem });
  }

  const required = (what: string) => ({ required: `${what}を入力してください。` });
  const max = (n: number) => ({ value: n, message: `${n}文字以内で入力してください。` });
  return (
    <form
      aria-labelledby="certificate-form-title"
      onSubmit={(e) =>
        void form.handleSubmit((v) => submit.mutateAsync(v).catch(() => undefined))(e)
      }
      noValidate
      className="panel"
    >
      <h3 id="certificate-form-title">消去証明書を提出する</h3>
      <p className="hint">
        NIST SP 800-88 Rev.1
        付録G（媒体消去の証明書）の項目です。区の確認を受けると、対象の媒体は消去済み（破壊の場合は破壊済み）になります。
      </p>
      <TextField
        label="証明書番号"
        hint="例：DC-2027-0001。差し戻された証明書を出し直すときは新しい番号にします。"
        maxLength={100}
        error={errors.certificateNumber?.message}
        {...form.register('certificateNumber', {
          ...required('証明書番号'),
          maxLength: max(100),
        })}
      />
      <TextField
        label="消去した日時"
        type="datetime-local"
        error={errors.erasedAt?.message}
        {...form.register('erasedAt', {
          ...required('消去した日時'),
          validate: (v) => tokyoInstant(v) !== undefined || '日時を正しく入力してください。',
        })}
      />
      <fieldset>
        <legend>消去した情報項目</legend>
        {contract.dataItems.map((item) => (
          <div className="field checkbox" key={item}>
            <input
              id={`erased-${item}`}
              type="checkbox"
              value={item}
              {...form.register('dataItems', {
                validate: (v) => v.length > 0 || '消去した情報項目を選んでください。',
              })}
            />
            <label htmlFor={`erased-${item}`}>{item}</label>
          </div>
        ))}
        {errors.dataItems?.message && (
          <p className="field-error" role="alert">
            {errors.dataItems.message}
          </p>
        )}
      </fieldset>
      <TextArea
        label="消去したシステム・機器（1行に1つ）"
        hint="例：作業用PC PC-12、ファイルサーバ FS-01、バックアップ"
        error={errors.systems?.message}
        {...form.register('systems')}
      />
      <TextArea
        label="消去した場所（1行に1つ）"
        hint="例：本社 3階 作業室"
        error={errors.places?.message}
        {...form.register('places')}
      />
      <fieldset>
        <legend>対象の媒体（手元で保管中のもの）</legend>
        {held.length === 0 && <p>手元で保管中の媒体はありません。</p>}
        {held.map((m) => (
          <div className="field checkbox" key={m.id}>
            <input
              id={`erase-medium-${m.id}`}
              type="checkbox"
              value={m.id}
              {...form.register('mediaIds')}
            />
            <label htmlFor={`erase-medium-${m.id}`}>
              {m.label}（{MEDIUM_KINDS[m.kind]}）
            </label>
          </div>
        ))}
      </fieldset>
      <SelectField label="消去方法（NIST SP 800-88）" {...form.register('method')}>
        {Object.entries(ERASURE_METHODS).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </SelectField>
      <TextField
        label="使用したツール・機器"
        hint="製品名と版。例：DiskWipe Pro 5.2、シュレッダー SD-300"
        maxLength={300}
        error={errors.tool?.message}
        {...form.register('tool', { ...required('ツール・機器'), maxLength: max(300) })}
      />
      <TextArea
        label="消去の検証方法と結果"
        hint="例：消去後に全セクタを読み出し、データが残っていないことを確認した"
        maxLength={2000}
        error={errors.verification?.message}
        {...form.register('verification', {
          ...required('検証方法と結果'),
          maxLength: max(2000),
        })}
      />
      <TextField
        label="実施者"
        maxLength={200}
        error={errors.performedBy?.message}
        {...form.register('performedBy', { ...required('実施者'), maxLength: max(200) })}
      />
      <TextField
        label="立会者（任意）"
        maxLength={200}
        error={errors.witnessedBy?.message}
        {...form.register('witnessedBy', { maxLength: max(200) })}
      />
      <fieldset>
        <legend>電子署名（任意）</legend>
        <p className="hint">
          登録済みの証明書で署名する場合は、入力を終えてから「署名する内容をダウンロード」で得たファイルに、分離署名（PKCS#7/CMS、例：openssl
          cms -sign -binary）をしてください。署名の後に入力を変えると、署名を検証できません。
        </p>
        <p>
          <button
            type="button"
            className="button secondary"
            onClick={() => void downloadSignedContent()}
          >
            署名する内容をダウンロード
          </button>
        </p>
        <div className="field">
          <label htmlFor="certificate-signature">署名ファイル（.p7s または PEM）</label>
          <input
            key={fileKey}
            id="certificate-signature"
            type="file"
            accept=".p7s,.p7m,.pem,.cms,application/pkcs7-signature"
            aria-invalid={signatureError ? true : undefined}
            aria-describedby={signatureError ? 'certificate-signature-error' : undefined}
            onChange={(e) => void pickSignature(e.target.files?.[0])}
          />
          {signatureError && (
            <p id="certificate-signature-error" className="field-error" role="alert">
              {signatureError}
            </p>
          )}
          {signature && <p role="status">署名ファイル {signature.name} を添付します。</p>}
        </div>
      </fieldset>
      <button type="submit" className="button primary" disabled={isSubmitting}>
        提出する
      </button>
      <ErrorMessage error={submit.error} />
      {submit.isSuccess && (
        <p role="status" className="success">
          消去証明書を提出しました。区の確認を待っています。
        </p>
      )}
    </form>
  );
}
