/**
 * The body of a C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the
 * log's origin, the tree size in decimal, the root hash in base64, each on
 * its own line. kanribo's origin for a contract's 管理簿 is
 * `kanribo/<installation id>/<contract id>`.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

export function checkpointOrigin(installationId: string, contractId: string): string {
  return `kanribo/${installationId}/${contractId}`;
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.root.toString('base64')}\n`;
}

/** Parses a checkpoint body (extension lines allowed, ignored); undefined when it is not one. */
export function parseCheckpoint(text: string): Checkpoint | undefined {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') return undefined;
  const [origin, size, root] = lines as [string, string, string];
  if (origin.length === 0 || !/^(0|[1-9][0-9]*)$/.test(size)) return undefined;
  const bytes = Buffer.from(root, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== root) return undefined;
  const n = Number(size);
  return Number.isSafeInteger(n) ? { origin, size: n, root: bytes } : undefined;
}
