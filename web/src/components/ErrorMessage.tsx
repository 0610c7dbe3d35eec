import { ApiError, messageOf } from '../api/errors';

/** An error of the API in Japanese, announced to screen readers. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const text =
    error instanceof ApiError
      ? messageOf(error.code)
      : '通信できませんでした。接続を確認してください。';
  return (
    <p role="alert" className="error">
      {text}
    </p>
  );
}
