import type { ReactNode } from 'react';

/**
 * What the verification of a hash chain (a contract's ledger, the access
 * log) says: a plain status when the chain holds, an alert when it does not,
 * so a screen reader announces a broken chain at once.
 */
export function ChainVerdict({ valid, children }: { valid: boolean; children: ReactNode }) {
  return (
    <p className={valid ? 'badge success' : 'badge error'} role={valid ? 'status' : 'alert'}>
      {children}
    </p>
  );
}
