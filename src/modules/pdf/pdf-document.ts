import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { businessDateOf } from '../../common/time/business-date.js';
import { japaneseEraYear } from '../../common/time/japanese-date.js';
import { formatBusinessTime } from '../ledger/kanribo-csv.js';

/** Noto Sans JP (SIL OFL 1.1), shipped by the @embedpdf/fonts-jp package. */
const FONT_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-jp')),
  '../fonts',
);
const FONT_REGULAR = join(FONT_DIR, 'NotoSansJP-Regular.otf');
const FONT_BOLD = join(FONT_DIR, 'NotoSansJP-Bold.otf');

/**
 * The two faces, parsed once per thread and shared by every document it
 * renders. Given a path, pdfkit reads and parses the 4.4 MB file again for
 * each document, and fontkit's caches (each glyph's parsed outline, its
 * metrics) live in that per-document font object and are lost with it: for a
 * certificate of maximum size that was more than half of the render (3.7 s →
 * 1.6 s with the shared faces). pdfkit takes a fontkit font as a source (its
 * typings only list paths and bytes) and still makes a fresh subset for each
 * document, so sharing the parsed face does not share any document's state.
 */
let faces: { regular: fontkit.Font; bold: fontkit.Font } | undefined;
function loadFaces(): { regular: fontkit.Font; bold: fontkit.Font } {
  const face = (path: string) => fontkit.create(readFileSync(path)) as fontkit.Font;
  faces ??= { regular: face(FONT_REGULAR), bold: face(FONT_BOLD) };
  return faces;
}

const LEFT = 56;
const RIGHT = 539;

/**
 * An A4 document in Japanese with an embedded subset of Noto Sans JP, and
 * the layout every kanribo PDF shares: a centred title, headed sections of
 * label–value rows, and a footer saying when it was made and how to check
 * the ledger hashes it cites.
 */
export class JapanesePdf {
  readonly doc: PDFKit.PDFDocument;
  private readonly done: Promise<Buffer>;

  private readonly pageLabel: string | undefined;
  private readonly watermark: string | undefined;

  /**
   * `pageLabel` (the document's name and number) and the page number are
   * printed at the foot of every page; `watermark` across every page, for a
   * document that must not be filed as final (a draft, a rejected one).
   */
  constructor(
    info: { title: string; subject: string; pageLabel?: string; watermark?: string },
    private readonly timeZone: string,
  ) {
    this.pageLabel = info.pageLabel;
    this.watermark = info.watermark;
    this.doc = new PDFDocument({
      size: 'A4',
      bufferPages: true,
      margins: { top: 56, bottom: 56, left: LEFT, right: LEFT },
      info: { Title: info.title, Subject: info.subject, Creator: 'kanribo' },
    });
    const { regular, bold } = loadFaces();
    this.doc.registerFont('regular', regular as unknown as PDFKit.Mixins.PDFFontSource);
    this.doc.registerFont('bold', bold as unknown as PDFKit.Mixins.PDFFontSource);
    const chunks: Buffer[] = [];
    this.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    this.done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
  }

  /** `2026/11/25 09:30（令和8年）`: the 管理簿's time format, with the era year a ward's documents are dated in. */
  time(iso: string): string {
    return `${formatBusinessTime(iso, this.timeZone)}（${japaneseEraYear(businessDateOf(new Date(iso), this.timeZone))}）`;
  }

  title(text: string, subtitle: string): this {
    this.doc.font('bold').fontSize(20).text(text, { align: 'center' });
    this.doc
      .moveDown(0.2)
      .font('regular')
      .fontSize(9)
      .fillColor('#555')
      .text(subtitle, { align: 'center' });
    this.doc.moveDown(1).fillColor('black');
    return this;
  }

  heading(text: string): this {
    this.doc.moveDown(0.6).font('bold').fontSize(12).text(text, LEFT);
    this.doc
      .moveTo(LEFT, this.doc.y + 2)
      .lineTo(RIGHT, this.doc.y + 2)
      .strokeColor('#999')
      .stroke();
    this.doc.moveDown(0.5);
    return this;
  }

  /** A bold line within a section, at the left margin. */
  subheading(text: string): this {
    this.doc.moveDown(0.3).font('bold').fontSize(10).text(text, LEFT);
    this.doc.moveDown(0.2);
    return this;
  }

  /**
   * A label and its value; an empty value shows as a dash. A row that does
   * not fit on the rest of the page starts the next one, label and value
   * together (a label alone at a page's foot reads as an empty field).
   */
  row(label: string, value: string, labelWidth = 120, valueSize = 10): this {
    const valueWidth = RIGHT - LEFT - labelWidth - 4;
    const height = Math.max(
      this.doc.font('bold').fontSize(10).heightOfString(label, { width: labelWidth }),
      this.doc
        .font('regular')
        .fontSize(valueSize)
        .heightOfString(value || '—', { width: valueWidth }),
    );
    const bottom = this.doc.page.height - this.doc.page.margins.bottom;
    if (this.doc.y + height > bottom && height < bottom - this.doc.page.margins.top) {
      this.doc.addPage();
    }
    const y = this.doc.y;
    this.doc.font('bold').fontSize(10).text(label, LEFT, y, { width: labelWidth });
    const afterLabel = this.doc.y;
    this.doc
      .font('regular')
      .fontSize(valueSize)
      .text(value || '—', LEFT + labelWidth + 4, y, { width: valueWidth });
    if (this.doc.y < afterLabel) this.doc.y = afterLabel;
    this.doc.moveDown(0.4);
    return this;
  }

  /**
   * A ledger entry's hash, small enough that its 64 hexadecimal digits stay
   * on one line: a reader compares it with ledger/verify, and a hash broken
   * across lines is neither easy to compare nor to copy.
   */
  hashRow(label: string, hash: string): this {
    return this.row(label, hash, 120, 8);
  }

  /** A paragraph across the page, at body size. */
  paragraph(text: string, options: { align?: 'left' | 'center' | 'right' } = {}): this {
    this.doc
      .font('regular')
      .fontSize(10.5)
      .fillColor('black')
      .text(text, LEFT, this.doc.y, { width: RIGHT - LEFT, align: options.align ?? 'left' });
    this.doc.moveDown(0.5);
    return this;
  }

  /** Lines set against the right margin (a sender's name and the date, in a letter). */
  rightLines(lines: string[], size = 10.5): this {
    this.doc.font('regular').fontSize(size).fillColor('black');
    for (const line of lines)
      this.doc.text(line, LEFT, this.doc.y, { width: RIGHT - LEFT, align: 'right' });
    this.doc.moveDown(0.3);
    return this;
  }

  /**
   * A row of empty boxes with a caption above each, for handwritten
   * signatures and seals (署名・押印, 担当・係長・課長), set against the right
   * margin; on a new page when the rest of this one is too short.
   */
  stampBoxes(
    captions: string[],
    options: { title?: string; boxWidth?: number; boxHeight?: number } = {},
  ): this {
    const width = options.boxWidth ?? 64;
    const captionHeight = 16;
    const boxHeight = options.boxHeight ?? 56;
    const needed = (options.title ? 18 : 0) + captionHeight + boxHeight + 8;
    if (this.doc.y + needed > this.doc.page.height - this.doc.page.margins.bottom) {
      this.doc.addPage();
    }
    const left = RIGHT - width * captions.length;
    if (options.title) {
      this.doc
        .font('bold')
        .fontSize(10)
        .fillColor('black')
        .text(options.title, left, this.doc.y, {
          width: width * captions.length,
        });
    }
    const top = this.doc.y + 2;
    this.doc.lineWidth(0.8).strokeColor('#333');
    captions.forEach((caption, i) => {
      const x = left + i * width;
      this.doc.rect(x, top, width, captionHeight).stroke();
      this.doc.rect(x, top + captionHeight, width, boxHeight).stroke();
      this.doc
        .font('regular')
        .fontSize(9)
        .fillColor('black')
        .text(caption, x, top + 3, { width, align: 'center', lineBreak: false });
    });
    this.doc.x = LEFT;
    this.doc.y = top + captionHeight + boxHeight + 8;
    return this;
  }

  /** The footer, the marks of every page, and the bytes of the finished document. */
  finish(generatedAt: Date): Promise<Buffer> {
    this.doc
      .moveDown(1)
      .font('regular')
      .fontSize(8)
      .fillColor('#555')
      .text(
        `kanribo が ${this.time(generatedAt.toISOString())} に出力。ハッシュは管理簿 (ledger/verify) で検証できます。`,
        LEFT,
      );
    const { start, count } = this.doc.bufferedPageRange();
    for (let i = start; i < start + count; i++) {
      this.doc.switchToPage(i);
      if (this.watermark) this.drawWatermark(this.watermark);
      this.drawPageFoot(i - start + 1, count);
    }
    this.doc.flushPages();
    this.doc.end();
    return this.done;
  }

  /** `消去証明書 DC-2026-0042 (U+3000) 1 / 2 ページ` in the bottom margin. */
  private drawPageFoot(page: number, pages: number): void {
    const { doc } = this;
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing in the margin must not start a new page
    const text = `${this.pageLabel ? `${this.pageLabel}\u3000` : ''}${page} / ${pages} ページ`;
    doc
      .font('regular')
      .fontSize(8)
      .fillColor('#333')
      .text(text, LEFT, doc.page.height - bottom + 18, {
        width: RIGHT - LEFT,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }

  /**
   * Large and light across the middle of the page: readable over the content
   * and impossible to overlook (level, so that it stays one line of text for
   * a reader or a search as well).
   */
  private drawWatermark(text: string): void {
    const { doc } = this;
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.save();
    doc.font('bold').fontSize(44).fillColor('#c00000').fillOpacity(0.18);
    const width = doc.widthOfString(text);
    doc.text(text, (doc.page.width - width) / 2, doc.page.height / 2 - 22, { lineBreak: false });
    doc.restore();
    doc.fillOpacity(1).fillColor('black');
    doc.page.margins.bottom = bottom;
  }
}
