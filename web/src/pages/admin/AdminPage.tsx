/** 管理: placeholder, filled in by the admin screens. */
export function AdminPage() {
  return <h1>管理</h1>;
}
