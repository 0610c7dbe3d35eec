import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Piscina } from 'piscina';
import { AppConfig } from '../../config/app-config.js';
import { compiledWorker, stopPoolOrWarn } from '../../common/workers/worker-pool.js';
import { canonicalJson, sha256Hex } from '../ledger/hash-chain.js';
import { PdfCache, type PdfSource } from './pdf.cache.js';
import type { PdfDocument, PdfResult, PdfTask } from './pdf.worker.js';

/**
 * `started`: a render is about to be handed to the pool; `answered`: a read
 * got its PDF, from `source`. For diagnostics and tests.
 */
export type PdfEvent =
  | { phase: 'started'; key: string }
  | {
      phase: 'answered';
      key: string;
      source: PdfSource;
      /** For `render`: the worker thread that rendered (never the main thread's id). */
      threadId?: number;
    };

/** How long a stop waits for the PDF worker threads to exit. */
export const PDF_POOL_STOP_MS = 5_000;

/**
 * Renders PDFs (deletion certificates, audit reports, status reports) off
 * the main thread and keeps them.
 *
 * A certificate of maximum size is hundreds of lines of Japanese that pdfkit
 * shapes glyph by glyph, then subsets two 4 MB fonts: seconds of synchronous
 * work. On the main thread that stalled every other request for as long
 * (three concurrent renders made `/api/health` take 3 s). Here each render
 * runs in a piscina pool of PDF_WORKERS worker threads: more requests wait in
 * the pool's queue, and the event loop only posts the task and receives the
 * bytes. Each worker parses the fonts once and keeps them, and an HTTP server
 * warms every worker at start-up, so the first certificate does not pay for
 * it.
 *
 * Rendered PDFs are kept (PDF_CACHE_MB, least recently read goes first) by a
 * digest of everything the PDF shows except the time it was made: a repeat
 * read costs a few small queries and no render, concurrent reads of the same
 * PDF share one render, and any change of what it shows (a confirmation, a
 * rejection, a renamed party) is a new key, never a stale PDF. A PDF read from
 * memory keeps the time of its first rendering in its footer.
 */
@Injectable()
export class PdfRenderer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PdfRenderer.name);
  private readonly cache: PdfCache;
  private pool: Piscina<PdfTask, PdfResult> | undefined;
  private closed = false;
  private readonly listeners = new Set<(event: PdfEvent) => void>();

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.cache = new PdfCache(config.PDF_CACHE_MB * 1024 * 1024);
  }

  /** The PDF of `document`: from memory, from a render under way, or rendered by a worker. */
  async render(document: PdfDocument): Promise<Buffer> {
    const key = pdfKey(document);
    let threadId: number | undefined;
    const { pdf, source } = this.cache.get(key, async () => {
      this.emit({ phase: 'started', key });
      const result = await this.workers().run({ kind: 'render', document });
      threadId = result.threadId;
      const bytes = result.pdf;
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    });
    const bytes = await pdf;
    this.emit({ phase: 'answered', key, source, ...(threadId === undefined ? {} : { threadId }) });
    return bytes;
  }

  /**
   * Calls `listener` when a render starts and when a read is answered; returns
   * the function that stops it. Tests observe where and when a render ran
   * through it.
   */
  observe(listener: (event: PdfEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Rendered PDFs kept in memory. */
  get cached(): { entries: number; bytes: number } {
    return this.cache.size;
  }

  /**
   * An HTTP server starts its workers at once and renders a small certificate
   * in each, in the background (start-up does not wait). Queue workers,
   * scripts and CLIs, which build the same modules but serve no PDFs, start
   * the pool only if they ever render.
   */
  onApplicationBootstrap(): void {
    if (!this.adapterHost.httpAdapter) return;
    const pool = this.workers();
    void Promise.all(
      Array.from({ length: this.config.PDF_WORKERS }, () => pool.run({ kind: 'warm-up' })),
    ).catch((error: unknown) => {
      if (!this.closed) this.logger.warn(`PDF workers did not warm up: ${String(error)}`);
    });
  }

  /** After the HTTP server has closed (no request waits for a PDF any more). */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await stopPoolOrWarn(pool, PDF_POOL_STOP_MS, this.logger, 'PDF workers');
  }

  private workers(): Piscina<PdfTask, PdfResult> {
    if (this.closed) throw new Error('The PDF workers have been shut down');
    this.pool ??= new Piscina<PdfTask, PdfResult>({
      filename: compiledWorker(import.meta.url, 'pdf.worker-entry.cjs'),
      name: 'default',
      minThreads: this.config.PDF_WORKERS,
      maxThreads: this.config.PDF_WORKERS,
      // Workers keep their parsed fonts: none is retired for being idle.
      idleTimeout: Infinity,
    });
    return this.pool;
  }

  private emit(event: PdfEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/**
 * Everything the PDF shows but the time it was made, as a digest: which
 * document, its rows (status, decision, notes, sequence numbers…), the names
 * and the ledger hashes. Entities go through JSON first, as plain data.
 */
function pdfKey(document: PdfDocument): string {
  const plain = JSON.parse(JSON.stringify(document)) as { input: Record<string, unknown> };
  return sha256Hex(canonicalJson({ ...plain, input: { ...plain.input, generatedAt: null } }));
}
