import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { businessDateOf } from '../../common/time/business-date.js';
import { japaneseEraYear } from '../../common/time/japanese-date.js';
import { formatBusinessTime } from '../ledger/kanribo-csv.js';
import type { DeletionCertificateEntity } from './entities/deletion-certificate.entity.js';

/** Noto Sans JP (SIL OFL 1.1), shipped by the @embedpdf/fonts-jp package. */
const FONT_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-jp')),
  '../fonts',
);
const FONT_REGULAR = join(FONT_DIR, 'NotoSansJP-Regular.otf');
const FONT_BOLD = join(FONT_DIR, 'NotoSansJP-Bold.otf');

/**
 * The two faces, parsed once per thread and shared by every document it
 * renders. Given a path, pdfkit reads and parses the 4.4 MB file again for
 * each document, and fontkit's caches (each glyph's parsed outline, its
 * metrics) live in that per-document font object and are lost with it: for a
 * certificate of maximum size that was more than half of the render (3.7 s →
 * 1.6 s with the shared faces). pdfkit takes a fontkit font as a source (its
 * typings only list paths and bytes) and still makes a fresh subset for each
 * document, so sharing the parsed face does not share any document's state.
 */
let faces: { regular: fontkit.Font; bold: fontkit.Font } | undefined;
function loadFaces(): { regular: fontkit.Font; bold: fontkit.Font } {
  const face = (path: string) => fontkit.create(readFileSync(path)) as fontkit.Font;
  faces ??= { regular: face(FONT_REGULAR), bold: face(FONT_BOLD) };
  return faces;
}

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

export interface CertificatePdfInput {
  certificate: DeletionCertificateEntity;
  contractTitle: string;
  organizationName: string;
  wardName: string;
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
  // `2026/11/25 09:30（令和8年）`: the 管理簿's time format, with the era year
  // a ward's documents are dated in.
  const time = (iso: string) =>
    `${formatBusinessTime(iso, input.timeZone)}（${japaneseEraYear(businessDateOf(new Date(iso), input.timeZone))}）`;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 56, right: 56 },
    info: {
      Title: `消去証明書 ${c.certificateNumber}`,
      Subject: input.contractTitle,
      Creator: 'kanribo',
    },
  });
  const { regular, bold } = loadFaces();
  doc.registerFont('regular', regular as unknown as PDFKit.Mixins.PDFFontSource);
  doc.registerFont('bold', bold as unknown as PDFKit.Mixins.PDFFontSource);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('bold').fontSize(20).text('消去証明書', { align: 'center' });
  doc
    .moveDown(0.2)
    .font('regular')
    .fontSize(9)
    .fillColor('#555')
    .text('Certificate of data erasure (NIST SP 800-88)', { align: 'center' });
  doc.moveDown(1).fillColor('black');

  const row = (label: string, value: string) => {
    const y = doc.y;
    doc.font('bold').fontSize(10).text(label, 56, y, { width: 120 });
    doc
      .font('regular')
      .fontSize(10)
      .text(value || '—', 180, y, { width: 360 });
    doc.moveDown(0.4);
  };
  const heading = (text: string) => {
    doc.moveDown(0.6).font('bold').fontSize(12).text(text, 56);
    doc
      .moveTo(56, doc.y + 2)
      .lineTo(539, doc.y + 2)
      .strokeColor('#999')
      .stroke();
    doc.moveDown(0.5);
  };

  heading('証明書');
  row('証明書番号', c.certificateNumber);
  row('状態', STATUS_LABELS[c.status] ?? c.status);
  row('委託業務', input.contractTitle);
  row('委託元', input.wardName);
  row('消去した事業者', input.organizationName);

  heading('消去の内容');
  row('消去日時', time(c.erasedAt));
  row('消去方法', METHOD_LABELS[c.method] ?? c.method);
  row('使用ツール', c.tool);
  row('情報項目', c.scope.dataItems.join('、'));
  row('システム・機器', c.scope.systems.join('、'));
  row('場所', c.scope.places.join('、'));
  row(
    '対象媒体',
    input.media.length > 0
      ? input.media.map((m) => `${m.label}（${m.description}）`).join('\n')
      : 'なし',
  );
  row('消去の確認方法と結果', c.verification);
  row('作業者', c.performedBy);
  row('立会者', c.witnessedBy ?? '');

  heading('提出と確認');
  row('提出者', `${input.submittedByName}\u3000${time(c.submittedAt)}`);
  row('電子署名', c.signerFingerprint256 ? `あり（SHA-256 ${c.signerFingerprint256}）` : 'なし');
  if (c.status === 'confirmed') {
    row('確認者', `${input.decidedByName ?? ''}\u3000${time(c.decidedAt!)}`);
    row('確認所見', c.decisionNote ?? '');
  } else if (c.status === 'rejected') {
    row('差戻し者', `${input.decidedByName ?? ''}\u3000${time(c.decidedAt!)}`);
    row('差戻し理由', c.decisionNote ?? '');
  }

  heading('管理簿の記録');
  doc.font('regular').fontSize(8);
  row('提出 (連番 ' + c.submitSeq + ')', input.submitHash);
  if (c.decisionSeq !== null && input.decisionHash)
    row('確認 (連番 ' + c.decisionSeq + ')', input.decisionHash);

  doc
    .moveDown(1)
    .font('regular')
    .fontSize(8)
    .fillColor('#555')
    .text(
      `kanribo が ${time(input.generatedAt.toISOString())} に出力。ハッシュは管理簿 (ledger/verify) で検証できます。`,
      56,
    );
  doc.end();
  return done;
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
    submittedByName: '提出者',
    decidedByName: '確認者',
    media: [{ kind: 'dvd_r', label: 'DVD-R 01', description: '住民税課税資料の作業用複製' }],
    submitHash: '0'.repeat(64),
    decisionHash: '0'.repeat(64),
    generatedAt: new Date(at),
    timeZone: 'Asia/Tokyo',
  });
}
