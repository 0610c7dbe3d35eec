/** 二要素認証の設定: placeholder, filled in by the identity screens. */
export function MfaEnrollPage() {
  return <h1>二要素認証の設定</h1>;
}
