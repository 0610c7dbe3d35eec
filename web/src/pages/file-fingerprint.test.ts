import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './file-fingerprint';

describe('a file’s fingerprint', () => {
  it('is the lowercase hex SHA-256 of its bytes', async () => {
    expect(await sha256Hex(new Blob(['abc']))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(await sha256Hex(new Blob([]))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('reads a large file a slice at a time, never whole, and says how far it got', async () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) % 256);
    const blob = new Blob([bytes]);
    const slices: number[] = [];
    // A file that refuses to be read whole, as a multi-GB one should never be.
    const file = {
      size: blob.size,
      arrayBuffer: () => Promise.reject(new Error('read whole')),
      slice: (start: number, end: number) => {
        slices.push(end - start);
        return blob.slice(start, end);
      },
    } as unknown as Blob;
    const progress: number[] = [];
    const hex = await sha256Hex(file, {
      chunkSize: 256,
      onProgress: (read, size) => {
        expect(size).toBe(1000);
        progress.push(read);
      },
    });
    expect(hex).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(slices).toEqual([256, 256, 256, 232]);
    expect(progress).toEqual([256, 512, 768, 1000]);
  });
});
