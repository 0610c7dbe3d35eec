/** Bytes read from the file at a time: a few MB in memory, whatever the file's size. */
export const FINGERPRINT_CHUNK = 4 * 1024 * 1024;

/**
 * Lowercase hex SHA-256 of a file, computed in the browser (the file never
 * leaves the PC). An encrypted archive can be several GB, so the file is
 * read a slice at a time into an incremental hash (Web Crypto's digest
 * takes the whole input at once); `onProgress` hears the bytes read so far
 * after each slice. The hash (@noble/hashes) loads when first needed: the
 * check is optional, and most handovers carry no file.
 */
export async function sha256Hex(
  file: Blob,
  {
    chunkSize = FINGERPRINT_CHUNK,
    onProgress,
  }: { chunkSize?: number; onProgress?: (read: number, size: number) => void } = {},
): Promise<string> {
  const [{ sha256 }, { bytesToHex }] = await Promise.all([
    import('@noble/hashes/sha2.js'),
    import('@noble/hashes/utils.js'),
  ]);
  const hash = sha256.create();
  for (let offset = 0; offset < file.size; offset += chunkSize) {
    const end = Math.min(offset + chunkSize, file.size);
    hash.update(new Uint8Array(await file.slice(offset, end).arrayBuffer()));
    onProgress?.(end, file.size);
  }
  return bytesToHex(hash.digest());
}
