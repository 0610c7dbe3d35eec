import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Pager, usePaged } from '../../components/Pager';
import { dateTime } from '../../format';
import { type Organization, useOrganizations } from './admin-hooks';
import { ConfirmButton } from '../../components/ConfirmButton';
import { OrganizationPicker, useChosenOrganization } from './OrganizationPicker';

/** 署名証明書: the certificates a contractor signs its deletion certificates with. */
export function CertificatesSection() {
  const organizations = useOrganizations();
  const contractors = (organizations.data ?? []).filter((o) => o.kind === 'contractor');
  const { chosen, id, choose } = useChosenOrganization(contractors);
  return (
    <>
      <h2>署名証明書</h2>
      <p>委託先が消去証明書に付ける電子署名を検証するための証明書（X.509）です。</p>
      <ErrorMessage error={organizations.error} />
      <OrganizationPicker organizations={contractors} value={id} onChange={choose} />
      {chosen && <Certificates key={chosen.id} organization={chosen} />}
    </>
  );
}

function Certificates({ organization }: { organization: Organization }) {
  const queryClient = useQueryClient();
  const path = { params: { path: { id: organization.id } } };
  const key = ['signing-certificates', organization.id];
  const certificates = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/api/organizations/{id}/certificates', path)),
  });
  const revoke = useMutation({
    mutationFn: (certificateId: string) =>
      unwrap(
        api.DELETE('/api/organizations/{id}/certificates/{certificateId}', {
          params: { path: { id: organization.id, certificateId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const items = certificates.data?.items ?? [];
  const paged = usePaged(items);
  return (
    <>
      <section className="panel" aria-labelledby="upload-certificate-heading">
        <h3 id="upload-certificate-heading">証明書の登録</h3>
        <UploadCertificate organization={organization} />
      </section>
      <ErrorMessage error={certificates.error} />
      {certificates.data && (
        <>
          {items.length > 0 && (
            <table>
              <caption>
                {organization.name}の署名証明書（{items.length}件）
              </caption>
              <thead>
                <tr>
                  <th scope="col">主体者・発行者</th>
                  <th scope="col">SHA-256 フィンガープリント</th>
                  <th scope="col">有効期間</th>
                  <th scope="col">登録・失効</th>
                  <th scope="col">操作</th>
                </tr>
              </thead>
              <tbody>
                {paged.rows.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <p>{c.subject}</p>
                      <p className="meta">発行者 {c.issuer}</p>
                      <p className="meta">シリアル番号 {c.serialNumber}</p>
                    </td>
                    <td>
                      <code className="fingerprint">{c.fingerprint256}</code>
                    </td>
                    <td>
                      {dateTime(c.validFrom)} 〜 {dateTime(c.validTo)}
                    </td>
                    <td>
                      <p>登録 {dateTime(c.registeredAt)}</p>
                      {c.revokedAt ? (
                        <span className="badge error">失効 {dateTime(c.revokedAt)}</span>
                      ) : (
                        <span className="badge success">有効</span>
                      )}
                    </td>
                    <td>
                      {!c.revokedAt && (
                        <ConfirmButton
                          label="失効させる"
                          question="この証明書を失効させますか？以後、この証明書で署名された消去証明書は受け付けられません。元に戻せません。"
                          confirmLabel="失効させる"
                          disabled={revoke.isPending}
                          onConfirm={() => revoke.mutate(c.id)}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {items.length === 0 && <p>登録された証明書はありません。</p>}
          <Pager
            page={paged.page}
            pageCount={paged.pageCount}
            onPage={paged.setPage}
            label="署名証明書の一覧"
          />
        </>
      )}
      <ErrorMessage error={revoke.error} />
      {revoke.isSuccess && (
        <p role="status" className="success">
          証明書を失効させました。
        </p>
      )}
    </>
  );
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;

function UploadCertificate({ organization }: { organization: Organization }) {
  const queryClient = useQueryClient();
  const textId = useId();
  const fileId = useId();
  const [pem, setPem] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const register = useMutation({
    mutationFn: (text: string) =>
      unwrap(
        api.POST('/api/organizations/{id}/certificates', {
          params: { path: { id: organization.id } },
          body: { pem: text },
        }),
      ),
    onSuccess: () => {
      setPem('');
      return queryClient.invalidateQueries({
        queryKey: ['signing-certificates', organization.id],
      });
    },
  });
  async function readFile(file: File | undefined) {
    if (!file) return;
    if (file.size > 20_000) {
      setProblem('ファイルが大きすぎます（証明書1枚のPEMファイルを選んでください）。');
      return;
    }
    setProblem(null);
    setPem(await file.text());
  }
  function submit() {
    register.reset();
    if (!PEM.test(pem)) {
      setProblem(
        'PEM形式の証明書（-----BEGIN CERTIFICATE----- で始まるもの）を貼り付けるか、ファイルを選んでください。',
      );
      return;
    }
    setProblem(null);
    register.mutate(pem.trim());
  }
  return (
    <form
      aria-label="証明書の登録"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="field">
        <label htmlFor={fileId}>証明書ファイル（PEM）</label>
        <input
          id={fileId}
          type="file"
          accept=".pem,.crt,.cer,application/x-pem-file"
          onChange={(e) => void readFile(e.target.files?.[0])}
        />
      </div>
      <div className="field">
        <label htmlFor={textId}>または PEM を貼り付け</label>
        <textarea
          id={textId}
          rows={8}
          spellCheck={false}
          value={pem}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${textId}-error` : undefined}
          onChange={(e) => setPem(e.target.value)}
        />
        {problem && (
          <p id={`${textId}-error`} className="field-error" role="alert">
            {problem}
          </p>
        )}
      </div>
      <button type="submit" className="button primary" disabled={register.isPending}>
        登録する
      </button>
      <ErrorMessage error={register.error} />
      {register.isSuccess && (
        <p role="status" className="success">
          証明書を登録しました（{register.data.subject}）。
        </p>
      )}
    </form>
  );
}
