import { businessDateOf } from '../../common/time/business-date.js';
import { formatJapaneseEraDate } from '../../common/time/japanese-date.js';
import { JapanesePdf } from '../pdf/pdf-document.js';
import type { DeletionCertificateEntity } from './entities/deletion-certificate.entity.js';

const METHOD_LABELS: Record<string, string> = {
  clear: 'クリア (Clear: 上書き消去)',
  purge: 'パージ (Purge: 暗号化消去・消磁等)',
  destroy: '破壊 (Destroy: 物理的破壊)',
};

const STATUS_LABELS: Record<string, string> = {
  submitted: '確認待ち',
  confirmed: '確認済',
  rejected: '差戻し',
};

/**
 * Across every page of a certificate the ward has not confirmed: a draft or
 * a rejected certificate printed and filed must not pass for the real one.
 */
const WATERMARKS: Record<string, string> = {
  submitted: '確認待ち（未確定）',
  rejected: '差戻し（無効）',
};

export const DECLARATION = '下記のとおり、委託業務で取り扱った個人情報を消去したことを証明します。';

export interface CertificatePdfInput {
  certificate: DeletionCertificateEntity;
  contractTitle: string;
  organizationName: string;
  wardName: string;
  /** The ward's 宛名 (新宿区長 殿); null: 「<wardName> 御中」. */
  wardAddressee: string | null;
  submittedByName: string;
  decidedByName: string | null;
  media: Array<{ kind: string; label: string; description: string }>;
  submitHash: string;
  decisionHash: string | null;
  generatedAt: Date;
  timeZone: string;
}

/**
 * The printable record of a deletion certificate (消去証明書) and the ward's
 * confirmation, A4, in Japanese with an embedded subset of Noto Sans JP.
 */
export function renderCertificatePdf(input: CertificatePdfInput): Promise<Buffer> {
  const { certificate: c } = input;
  const pdf = new JapanesePdf(
    {
      title: `消去証明書 ${c.certificateNumber}`,
      subject: input.contractTitle,
      pageLabel: `消去証明書 ${c.certificateNumber}`,
      watermark: WATERMARKS[c.status],
    },
    input.timeZone,
  );
  const time = (iso: string) => pdf.time(iso);
  pdf.title('消去証明書', 'Certificate of data erasure (NIST SP 800-88)');

  // The letter: number and date, addressee, the contractor who certifies.
  pdf.rightLines([
    `証明書番号 ${c.certificateNumber}`,
    formatJapaneseEraDate(businessDateOf(new Date(c.submittedAt), input.timeZone)),
  ]);
  pdf.paragraph(input.wardAddressee ?? `${input.wardName} 御中`);
  pdf.rightLines([input.organizationName, `責任者 ${input.submittedByName}`]);
  pdf.stampBoxes(['署名', '印'], { boxWidth: 72, boxHeight: 44 });
  pdf.paragraph(DECLARATION);
  pdf.paragraph('記', { align: 'center' });

  pdf.heading('証明書');
  pdf.row('証明書番号', c.certificateNumber);
  pdf.row('状態', STATUS_LABELS[c.status] ?? c.status);
  pdf.row('委託業務', input.contractTitle);
  pdf.row('委託元', input.wardName);
  pdf.row('消去した事業者', input.organizationName);

  pdf.heading('消去の内容');
  pdf.row('消去日時', time(c.erasedAt));
  pdf.row('消去方法', METHOD_LABELS[c.method] ?? c.method);
  pdf.row('使用ツール', c.tool);
  pdf.row('情報項目', c.scope.dataItems.join('、'));
  pdf.row('システム・機器', c.scope.systems.join('、'));
  pdf.row('場所', c.scope.places.join('、'));
  pdf.row(
    '対象媒体',
    input.media.length > 0
      ? input.media.map((m) => `${m.label}（${m.description}）`).join('\n')
      : 'なし',
  );
  pdf.row('消去の確認方法と結果', c.verification);
  pdf.row('作業者', c.performedBy);
  pdf.row('立会者', c.witnessedBy ?? '');

  pdf.heading('提出と確認');
  pdf.row('提出者', `${input.submittedByName}\u3000${time(c.submittedAt)}`);
  pdf.row(
    '電子署名',
    c.signerFingerprint256 ? `あり（SHA-256 ${c.signerFingerprint256}）` : 'なし',
  );
  if (c.status === 'confirmed') {
    pdf.row('確認者', `${input.decidedByName ?? ''}\u3000${time(c.decidedAt!)}`);
    pdf.row('確認所見', c.decisionNote ?? '');
  } else if (c.status === 'rejected') {
    pdf.row('差戻し者', `${input.decidedByName ?? ''}\u3000${time(c.decidedAt!)}`);
    pdf.row('差戻し理由', c.decisionNote ?? '');
  }

  pdf.heading('管理簿の記録');
  pdf.hashRow(`提出 (連番 ${c.submitSeq})`, input.submitHash);
  if (c.decisionSeq !== null && input.decisionHash) {
    const decision = c.status === 'rejected' ? '差戻し' : '確認';
    pdf.hashRow(`${decision} (連番 ${c.decisionSeq})`, input.decisionHash);
  }

  // The ward's own approval, stamped on paper by the officers who check it.
  pdf.doc.moveDown(0.6);
  pdf.stampBoxes(['担当', '係長', '課長'], { title: `${input.wardName} 確認欄` });
  return pdf.finish(input.generatedAt);
}

/**
 * Renders a small certificate and throws it away: run once in each worker at
 * start-up, so that the first real certificate does not also pay for parsing
 * the faces, compiling pdfkit's and fontkit's hot paths and the glyphs every
 * certificate shares (the labels, kana, digits).
 */
export async function warmUpCertificatePdf(): Promise<void> {
  const at = '2026-04-01T00:00:00.000Z';
  await renderCertificatePdf({
    certificate: {
      id: '00000000-0000-4000-8000-000000000000',
      contractId: '00000000-0000-4000-8000-000000000000',
      organizationId: '00000000-0000-4000-8000-000000000000',
      certificateNumber: 'DC-0000-0000',
      status: 'confirmed',
      erasedAt: at,
      scope: {
        dataItems: ['氏名', '住所', '生年月日'],
        systems: ['作業用PC'],
        places: ['本社 作業室'],
      },
      mediaIds: [],
      method: 'purge',
      tool: 'ツール 1.0',
      verification: '消去後に全セクタを読み出し、データが残っていないことを確認した。',
      performedBy: '作業者',
      witnessedBy: '立会者',
      submittedByUserId: '00000000-0000-4000-8000-000000000000',
      submittedAt: at,
      submitSeq: 1,
      decidedByUserId: '00000000-0000-4000-8000-000000000000',
      decidedAt: at,
      decisionSeq: 2,
      signerFingerprint256: null,
      decisionNote: '内容を確認した。',
    },
    contractTitle: '委託業務',
    organizationName: '株式会社',
    wardName: '区',
    wardAddressee: '区長 殿',
    submittedByName: '提出者',
    decidedByName: '確認者',
    media: [{ kind: 'dvd_r', label: 'DVD-R 01', description: '住民税課税資料の作業用複製' }],
    submitHash: '0'.repeat(64),
    decisionHash: '0'.repeat(64),
    generatedAt: new Date(at),
    timeZone: 'Asia/Tokyo',
  });
}
