import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <section>
      <h1>ページが見つかりません</h1>
      <p>
        <Link to="/">今日の作業へ戻る</Link>
      </p>
    </section>
  );
}
