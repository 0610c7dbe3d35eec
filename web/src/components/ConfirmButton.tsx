import { useEffect, useRef, useState } from 'react';

/**
 * A destructive action in two steps: the button asks, in words, what will
 * happen, and only 「…する」 does it. やめる goes back; focus follows.
 * `name` is the button's accessible name where one screen has several
 * (「紙-001 の封印に異常あり」), and names the question's group too.
 */
export function ConfirmButton({
  label,
  name,
  question,
  confirmLabel,
  onConfirm,
  disabled,
}: {
  label: string;
  name?: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (wasAsking.current) openRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button
        ref={openRef}
        type="button"
        className="button secondary"
        disabled={disabled}
        aria-label={name}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={`${name ?? label}の確認`}>
      <p>{question}</p>
      <div className="actions">
        <button
          ref={confirmRef}
          type="button"
          className="button danger"
          disabled={disabled}
          onClick={() => {
            setAsking(false);
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" className="button secondary" onClick={() => setAsking(false)}>
          やめる
        </button>
      </div>
    </div>
  );
}
