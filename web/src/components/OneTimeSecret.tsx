import { useState } from 'react';

/**
 * A secret the service shows this once (a temporary password, a webhook's
 * signing secret), with a button that copies it. It stays out of any live
 * region, so a screen reader does not read it aloud unasked; only the
 * copy's outcome is announced. The caller keeps it in component state,
 * never in the query cache.
 */
export function OneTimeSecret({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  async function copy() {
    try {
      // Absent outside a secure context (an intranet address over http): said as a failure.
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return (
    <div className="one-time-secret">
      <p>
        {label}: <code className="secret">{value}</code>
      </p>
      <button
        type="button"
        className="button secondary"
        aria-label={`${label}をコピー`}
        onClick={() => void copy()}
      >
        コピー
      </button>
      <span role="status" className={copied === false ? 'field-error' : 'hint'}>
        {copied === true && 'コピーしました。'}
        {copied === false && 'コピーできませんでした。選択してコピーしてください。'}
      </span>
    </div>
  );
}
