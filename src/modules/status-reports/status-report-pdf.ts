import { JapanesePdf } from '../pdf/pdf-document.js';
import type { OutstandingItem } from '../closeout/outstanding.rule.js';
import type { StatusReportHoldings } from './status-report.rule.js';

const KIND_LABELS: Record<string, string> = {
  dvd_r: 'DVD-R',
  cd_r: 'CD-R',
  usb: 'USBメモリ',
  encrypted_file: '暗号化ファイル',
  paper: '紙媒体',
  password_notice: 'パスワード通知書',
};

const STATE_LABELS: Record<string, string> = {
  held: '保管中',
  in_transit: '運搬中',
  compromised: '要確認（封印・指紋の不一致）',
};

export interface StatusReportPdfInput {
  contractTitle: string;
  wardName: string;
  contractorName: string;
  request: { byName: string; at: string; note: string | null; seq: number; hash: string };
  answer: {
    byName: string;
    at: string;
    statement: string;
    holdings: StatusReportHoldings;
    seq: number;
    hash: string;
  } | null;
  /** Names of the organizations the holdings and the outstanding list name. */
  organizationNames: Record<string, string>;
  generatedAt: Date;
  timeZone: string;
}

/**
 * The printable 業務に関する報告 (特記事項 14): the ward's request and the
 * contractor's answer, with what the contractor side held when it answered
 * (as the ledger froze it), what was outstanding, and the statement.
 */
export function renderStatusReportPdf(input: StatusReportPdfInput): Promise<Buffer> {
  const pdf = new JapanesePdf(
    {
      title: '個人情報の取扱い状況報告書',
      subject: input.contractTitle,
      pageLabel: '個人情報の取扱い状況報告書',
    },
    input.timeZone,
  );
  const name = (id: string) => input.organizationNames[id] ?? id;
  pdf.title('個人情報の取扱い状況報告書', 'Report on the handling of personal data (特記事項 14)');

  pdf.heading('報告の依頼');
  pdf.row('委託業務', input.contractTitle);
  pdf.row('委託元', input.wardName);
  pdf.row('受託事業者', input.contractorName);
  pdf.row('依頼者', `${input.request.byName}\u3000${pdf.time(input.request.at)}`);
  pdf.row('依頼内容', input.request.note ?? '');

  const answer = input.answer;
  if (!answer) {
    pdf.heading('報告');
    pdf.row('状態', '未回答');
  } else {
    pdf.heading(`保有状況（${pdf.time(answer.holdings.asOf)} 現在）`);
    if (answer.holdings.media.length === 0) pdf.row('媒体', 'なし');
    for (const m of answer.holdings.media) {
      pdf.row(
        `${KIND_LABELS[m.kind] ?? m.kind} ${m.label}`,
        [
          `${m.description}（${m.recordCount}件）`,
          `${name(m.holderOrganizationId)}${m.holderName ? ` ${m.holderName}` : ''}\u3000${STATE_LABELS[m.state] ?? m.state}`,
          `保管場所 ${m.location ?? '—'}\u3000${pdf.time(m.since)} から`,
        ].join('\n'),
      );
    }
    pdf.heading('未了の事項');
    if (answer.holdings.outstanding.length === 0) pdf.row('未了', 'なし');
    for (const o of answer.holdings.outstanding) pdf.row(...outstandingRow(o, name));
    pdf.heading('報告');
    pdf.row('報告者', `${answer.byName}\u3000${pdf.time(answer.at)}`);
    pdf.row('報告内容', answer.statement);
  }

  pdf.heading('管理簿の記録');
  pdf.hashRow(`依頼 (連番 ${input.request.seq})`, input.request.hash);
  if (answer) pdf.hashRow(`報告 (連番 ${answer.seq})`, answer.hash);
  return pdf.finish(input.generatedAt);
}

function outstandingRow(o: OutstandingItem, name: (id: string) => string): [string, string] {
  switch (o.reason) {
    case 'in_transit':
      return ['運搬中', o.label];
    case 'not_returned':
      return ['未返却', `${o.label}（${name(o.holderOrganizationId)}）`];
    case 'certificate_pending':
      return ['消去証明書の確認待ち', name(o.organizationId)];
    case 'certificate_missing':
      return ['消去証明書の未提出', name(o.organizationId)];
  }
}
