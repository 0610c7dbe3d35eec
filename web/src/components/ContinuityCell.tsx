import type { components } from '../api/schema';

type Continuity = components['schemas']['AuditContinuityResponse'];

/**
 * An audit's proof that the 管理簿 was not rewritten since the previous
 * audit: the checkpoints signed at both audits and the consistency proof
 * between them, checked by the service. 「前回調査以降、改ざんなし」 in green,
 * a detected rewrite in red.
 */
export function ContinuityCell({ continuity }: { continuity: Continuity | null }) {
  if (!continuity) return <span className="meta">初回の調査</span>;
  const state =
    continuity.status === 'intact' ? 'done' : continuity.status === 'broken' ? 'overdue' : null;
  return (
    <span
      className={state ? `state state-${state}` : 'meta'}
      title={
        continuity.reason ??
        `前回調査時（${continuity.fromSize}件）の管理簿が今回（${continuity.toSize}件）の先頭部分であることを、署名済みチェックポイントと整合性証明で確認しました`
      }
    >
      {continuity.summary}
    </span>
  );
}
