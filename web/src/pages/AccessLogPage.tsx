/** アクセスログ: placeholder, filled in by the auditor screens. */
export function AccessLogPage() {
  return <h1>アクセスログ</h1>;
}
