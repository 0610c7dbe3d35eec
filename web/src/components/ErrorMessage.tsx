import { ApiError, messageOf } from '../api/errors';
import { dateTime } from '../format';

/**
 * The refusal of an action, in Japanese, with what the person needs to act
 * on it: when a password notice may go, which fields to check.
 */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    return (
      <p role="alert" className="error">
        通信できませんでした。接続を確認してください。
      </p>
    );
  }
  const earliestAt =
    typeof error.details.earliestAt === 'string' ? error.details.earliestAt : undefined;
  return (
    <div role="alert" className="error">
      <p>{messageOf(error.code)}</p>
      {earliestAt && <p>送付できるのは {dateTime(earliestAt)} 以降です。</p>}
    </div>
  );
}
