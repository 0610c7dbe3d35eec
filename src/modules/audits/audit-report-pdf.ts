import { formatJapaneseDateWithEra } from '../../common/time/japanese-date.js';
import { JapanesePdf } from '../pdf/pdf-document.js';
import { ANSWER_MARKS, type AnsweredChecklist, type FindingState } from './checklist.rule.js';

const RESULT_LABELS: Record<string, string> = {
  satisfactory: '適正',
  findings: '指摘事項あり',
  unsatisfactory: '不適正',
};

const FINDING_STATE_LABELS: Record<FindingState, string> = {
  open: '是正待ち',
  reported_fixed: '是正報告済（確認待ち）',
  verified: '是正確認済',
};

export interface AuditReportInput {
  contractTitle: string;
  wardName: string;
  /** The audited organization (the contractor, or its subcontractor). */
  auditedName: string;
  /** The auditing organization (the ward, or the contractor). */
  auditingName: string;
  audit: {
    performedOn: string;
    fiscalYear: number;
    result: string;
    findings: string | null;
    auditors: string[];
    seq: number;
    recordedByName: string;
    recordedAt: string;
    ofSubcontractor: boolean;
  };
  checklist: AnsweredChecklist | null;
  findings: Array<{
    itemLabel: string;
    correctiveAction: string;
    dueOn: string;
    state: FindingState;
    stateNote: string | null;
  }>;
  auditHash: string;
  generatedAt: Date;
  timeZone: string;
}

/**
 * The printable report of an on-site audit (立入調査報告書): the audit, the
 * checklist as answered (○ / × / − and the notes), each × with its
 * corrective action and where it stands, and the ledger entry it cites.
 */
export function renderAuditReportPdf(input: AuditReportInput): Promise<Buffer> {
  const { audit } = input;
  const pdf = new JapanesePdf(
    {
      title: `立入調査報告書 ${audit.performedOn}`,
      subject: input.contractTitle,
      pageLabel: `立入調査報告書 ${audit.performedOn}`,
    },
    input.timeZone,
  );
  pdf.title(
    audit.ofSubcontractor ? '再委託先立入調査報告書' : '立入調査報告書',
    'On-site audit report (特記事項 15–17)',
  );

  pdf.heading('調査');
  pdf.row('委託業務', input.contractTitle);
  pdf.row('委託元', input.wardName);
  pdf.row('調査を受けた事業者', input.auditedName);
  pdf.row('調査をした者', `${input.auditingName}（${audit.auditors.join('、')}）`);
  pdf.row('実施日', formatJapaneseDateWithEra(audit.performedOn));
  pdf.row('年度', `${audit.fiscalYear}年度`);
  pdf.row('結果', RESULT_LABELS[audit.result] ?? audit.result);
  pdf.row('所見', audit.findings ?? '');
  pdf.row('記録者', `${audit.recordedByName}\u3000${pdf.time(audit.recordedAt)}`);

  if (input.checklist) checklistRows(pdf, input.checklist);

  pdf.heading('是正措置');
  if (input.findings.length === 0) pdf.row('指摘', 'なし');
  for (const f of input.findings) {
    const note = f.stateNote ? `\n${f.stateNote}` : '';
    pdf.row(
      f.itemLabel,
      `${f.correctiveAction}\n期限 ${formatJapaneseDateWithEra(f.dueOn)}\u3000${FINDING_STATE_LABELS[f.state]}${note}`,
    );
  }

  pdf.heading('管理簿の記録');
  pdf.hashRow(`立入調査 (連番 ${audit.seq})`, input.auditHash);
  return pdf.finish(input.generatedAt);
}

function checklistRows(pdf: JapanesePdf, checklist: AnsweredChecklist): void {
  pdf.heading(`チェックリスト（${checklist.title}、第${checklist.version}版）`);
  let section = '';
  for (const a of checklist.answers) {
    if (a.section !== section) {
      section = a.section;
      pdf.subheading(`【${section}】`);
    }
    const note = a.note ? `\n備考: ${a.note}` : '';
    pdf.row(`${a.number}\u3000${ANSWER_MARKS[a.answer]}`, `${a.text}${note}`, 50);
  }
}
