/** 立入調査の状況: placeholder, filled in by the auditor screens. */
export function AuditStatusPage() {
  return <h1>立入調査の状況</h1>;
}
