/**
 * Rendered PDFs, kept by what they show, with at most `maxBytes`
 * of them in memory (least recently read goes first), and one render at a
 * time per key: a request for a PDF that is being rendered waits for that
 * render instead of starting its own.
 *
 * The key is the caller's (a digest of everything the PDF shows), so a
 * document whose status, decision or any shown name changes gets a new key
 * and can never be answered from the old entry; the old entry simply ages
 * out. A failed render is not kept: the next request tries again.
 */
export class PdfCache {
  private readonly entries = new Map<string, Buffer>();
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The PDF for `key`, from memory, from a render under way, or from `render`. */
  get(key: string, render: () => Promise<Buffer>): { pdf: Promise<Buffer>; source: PdfSource } {
    const cached = this.entries.get(key);
    if (cached) {
      // Map keeps insertion order: re-inserting makes this the most recent.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return { pdf: Promise.resolve(cached), source: 'cache' };
    }
    const running = this.inFlight.get(key);
    if (running) return { pdf: running, source: 'shared' };
    const started = render().then(
      (pdf) => {
        this.inFlight.delete(key);
        this.keep(key, pdf);
        return pdf;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, started);
    return { pdf: started, source: 'render' };
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private keep(key: string, pdf: Buffer): void {
    if (pdf.length > this.maxBytes) return;
    this.entries.set(key, pdf);
    this.bytes += pdf.length;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.length;
    }
  }
}

/** Where a PDF came from: memory, another request's render, or a render of its own. */
export type PdfSource = 'cache' | 'shared' | 'render';
