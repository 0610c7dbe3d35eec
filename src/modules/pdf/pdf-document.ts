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

  constructor(
    info: { title: string; subject: string },
    private readonly timeZone: string,
  ) {
    this.doc = new PDFDocument({
      size: 'A4',
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

  /** A label and its value; an empty value shows as a dash. */
  row(label: string, value: string, labelWidth = 120, valueSize = 10): this {
    const y = this.doc.y;
    this.doc.font('bold').fontSize(10).text(label, LEFT, y, { width: labelWidth });
    this.doc
      .font('regular')
      .fontSize(valueSize)
      .text(value || '—', LEFT + labelWidth + 4, y, { width: RIGHT - LEFT - labelWidth - 4 });
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

  /** The footer, and the bytes of the finished document. */
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
    this.doc.end();
    return this.done;
  }
}
