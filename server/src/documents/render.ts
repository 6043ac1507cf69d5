import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type {
  Column,
  Content,
  ContentCanvas,
  StyleDictionary,
  TableCell,
  TDocumentDefinitions,
  TDocumentInformation,
} from 'pdfmake/interfaces';
import type { Authority } from './data';

/**
 * PDF rendering in process with pdfmake (no browser), and the building blocks the sample
 * documents share.
 *
 * pdfmake is loaded from node_modules on the first render (not at start, and not bundled by
 * esbuild: pdfkit and its dependencies find data files beside their own sources) and configured
 * once: Roboto from the pdfmake package, no remote URL ever fetched, no local file read outside
 * the font folder (an image or font path slipped into a definition is refused, not read).
 */

const requireFromHere = createRequire(import.meta.url);
type PdfMake = typeof import('pdfmake');

/** The folder of the Roboto files shipped by pdfmake, the only one the renderer may read. */
export const FONT_DIR = path.join(
  path.dirname(requireFromHere.resolve('pdfmake/package.json')),
  'fonts',
  'Roboto',
);

const FONT_FILES = {
  normal: 'Roboto-Regular.ttf',
  bold: 'Roboto-Medium.ttf',
  italics: 'Roboto-Italic.ttf',
  bolditalics: 'Roboto-MediumItalic.ttf',
} as const;

const isInside = (folder: string, file: string) => {
  const relative = path.relative(folder, path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
};

/**
 * Fonts parsed once for the whole process. pdfkit parses the font files anew for every document
 * (fontkit `create`), then decodes the substitution and positioning tables again while shaping
 * the text: about two thirds of the time of a two-page support document (measured: 79 → 28 ms).
 * fontkit lets an application register font formats; this one recognises a small token
 * (`MAESTRO-FONT:<file>`) and answers with the font parsed the first time, tables already
 * decoded. The tokens stand in pdfmake's virtual file system in place of the files. Each document
 * still gets its own subset of the font, and the bytes are the same as without the sharing.
 */
interface FontkitModule {
  create(buffer: Uint8Array): object;
  registerFormat(format: unknown): void;
}

const TOKEN_PREFIX = Buffer.from('MAESTRO-FONT:');
const VIRTUAL_FOLDER = 'maestro-fonts';

/**
 * The fonts, parsed on first use. Kept on `globalThis`: fontkit is one module per process,
 * however often this file is evaluated (test runners load it once per test file).
 */
function loadSharedFonts(): Map<string, object> {
  const key = Symbol.for('maestro.documents.sharedFonts');
  const registry = globalThis as typeof globalThis & { [key]?: Map<string, object> };
  const existing = registry[key];
  if (existing) return existing;
  const fonts = new Map<string, object>();
  const fromPdfkit = createRequire(
    createRequire(requireFromHere.resolve('pdfmake')).resolve('pdfkit'),
  );
  const fontkit = fromPdfkit('fontkit') as FontkitModule;
  const tokenName = (buffer: Uint8Array) =>
    buffer.length > TOKEN_PREFIX.length &&
    Buffer.from(buffer.buffer, buffer.byteOffset, TOKEN_PREFIX.length).equals(TOKEN_PREFIX)
      ? Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength)
          .subarray(TOKEN_PREFIX.length)
          .toString('utf8')
      : null;
  class SharedFontFormat {
    static probe(buffer: Uint8Array): boolean {
      const name = tokenName(buffer);
      return name !== null && fonts.has(name);
    }
    constructor(stream: { buffer: Uint8Array }) {
      const font = fonts.get(tokenName(stream.buffer) ?? '');
      if (!font) throw new Error('unknown shared font');
      // biome-ignore lint/correctness/noConstructorReturn: fontkit instantiates formats with `new`; this one hands back the font parsed once
      return font as SharedFontFormat;
    }
  }
  fontkit.registerFormat(SharedFontFormat);
  for (const file of Object.values(FONT_FILES)) {
    const font = fontkit.create(readFileSync(path.join(FONT_DIR, file))) as ShapingFont;
    memoiseShaping(font);
    fonts.set(file, font);
  }
  registry[key] = fonts;
  return fonts;
}

/** What pdfkit uses of a fontkit font's shaping: glyphs and positions, per word. */
interface GlyphRunLike {
  glyphs: unknown[];
  positions: object[];
}
interface ShapingFont {
  layout(text: string, ...options: unknown[]): GlyphRunLike;
}

/** Words shaped and kept, at most: the words of many documents (a few MB). */
const SHAPED_WORDS = 20_000;

/**
 * Shaping (substitutions, kerning) is the other half of the time of a document, and pdfkit keeps
 * what it shaped for one document only. The same words come back in every document, so the runs
 * are kept with the font for the process; pdfkit scales the positions of the run it is given in
 * place, so it always gets a copy. Calls with explicit features or options are not kept.
 */
function memoiseShaping(font: ShapingFont): void {
  const shape = font.layout.bind(font);
  const runs = new Map<string, GlyphRunLike>();
  const copy = <T extends object>(value: T): T =>
    Object.assign(Object.create(Object.getPrototypeOf(value)) as T, value);
  font.layout = (text, ...options) => {
    if (options.some((option) => option !== undefined)) return shape(text, ...options);
    let run = runs.get(text);
    if (!run) {
      run = shape(text);
      if (runs.size >= SHAPED_WORDS) runs.clear();
      runs.set(text, run);
    }
    return Object.assign(copy(run), {
      glyphs: [...run.glyphs],
      positions: run.positions.map(copy),
    });
  };
}

/**
 * The module's printer: an instance of its own rather than pdfmake's process-wide singleton, so
 * that no other user of pdfmake in the process changes its fonts or loosens its policies.
 */
let printer: PdfMake | null = null;

function getPrinter(): PdfMake {
  if (printer) return printer;
  const shared = requireFromHere('pdfmake') as PdfMake & {
    constructor: new () => PdfMake;
    virtualfs: { writeFileSync(name: string, content: Buffer): void };
  };
  const instance = new shared.constructor();
  const sharedFonts = loadSharedFonts();
  const fonts: Record<string, string> = {};
  for (const [style, file] of Object.entries(FONT_FILES)) {
    if (!sharedFonts.has(file)) throw new Error(`font ${file} not loaded`);
    const name = `${VIRTUAL_FOLDER}/${file}`;
    shared.virtualfs.writeFileSync(name, Buffer.concat([TOKEN_PREFIX, Buffer.from(file)]));
    fonts[style] = name;
  }
  instance.setFonts({ Roboto: fonts });
  instance.setUrlAccessPolicy(() => false);
  instance.setLocalAccessPolicy((file) => isInside(FONT_DIR, file));
  printer = instance;
  return instance;
}

export const PDF_AUTHOR = 'Maestro';

/**
 * Renders a definition to the bytes of a PDF. The definition is consumed (pdfmake annotates its
 * nodes while laying them out): build a new one for every render. With `info.creationDate` set
 * (every Maestro document sets it from `generatedAt`), the same definition gives the same bytes.
 */
export async function renderPdf(definition: TDocumentDefinitions): Promise<Buffer> {
  const info: TDocumentInformation = {
    author: PDF_AUTHOR,
    creator: PDF_AUTHOR,
    producer: PDF_AUTHOR,
    ...definition.info,
  };
  return getPrinter()
    .createPdf({ ...definition, info })
    .getBuffer();
}

// ————— Building blocks —————

export const Colors = {
  /** DSFR « bleu France ». */
  blue: '#000091',
  error: '#CE0500',
  errorBackground: '#FFE9E9',
  text: '#161616',
  mention: '#666666',
  border: '#929292',
  light: '#F6F6F6',
  highlight: '#E3E3FD',
} as const;

const styles: StyleDictionary = {
  republic: { bold: true, fontSize: 10, lineHeight: 0.95 },
  motto: { italics: true, fontSize: 7, color: Colors.text },
  authority: { bold: true, fontSize: 9, color: Colors.text },
  title: { bold: true, fontSize: 17, color: Colors.blue },
  subtitle: { bold: true, fontSize: 11 },
  heading: { bold: true, fontSize: 11, color: Colors.blue, margin: [0, 10, 0, 4] },
  label: { color: Colors.mention, fontSize: 8.5 },
  mention: { color: Colors.mention, fontSize: 8 },
  tableHeader: { bold: true, fontSize: 8.5, fillColor: Colors.light },
  small: { fontSize: 8.5 },
  reference: { bold: true, fontSize: 12 },
  banner: { bold: true, fontSize: 11, color: Colors.error, alignment: 'center' },
};

/** Page format, fonts, styles and PDF metadata common to every document. */
export function pageSetup(meta: {
  title: string;
  subject?: string;
  keywords?: string;
  generatedAt: Date;
}): Omit<TDocumentDefinitions, 'content'> {
  return {
    pageSize: 'A4',
    pageMargins: [40, 40, 40, 48],
    language: 'fr-FR',
    defaultStyle: { font: 'Roboto', fontSize: 9.5, color: Colors.text, lineHeight: 1.1 },
    styles,
    info: {
      title: meta.title,
      author: PDF_AUTHOR,
      creator: PDF_AUTHOR,
      producer: PDF_AUTHOR,
      ...(meta.subject ? { subject: meta.subject } : {}),
      ...(meta.keywords ? { keywords: meta.keywords } : {}),
      creationDate: meta.generatedAt,
      modDate: meta.generatedAt,
    },
  };
}

/** The State's block (« République française » and the motto) beside the ordering authority. */
export function letterhead(authority: Authority): Content {
  return {
    columns: [
      {
        width: 150,
        stack: [
          { text: 'RÉPUBLIQUE\nFRANÇAISE', style: 'republic' },
          { text: 'Liberté\nÉgalité\nFraternité', style: 'motto', margin: [0, 3, 0, 0] },
        ],
      },
      {
        width: '*',
        alignment: 'right',
        stack: [
          { text: authority.name, style: 'authority' },
          ...(authority.address ? [{ text: authority.address, style: 'mention' }] : []),
        ],
      },
    ],
    margin: [0, 0, 0, 12],
  };
}

export const heading = (text: string): Content => ({ text, style: 'heading' });

/** Label/value lines, two columns, no borders. */
export function fields(rows: readonly (readonly [string, string | Content])[]): Content {
  return {
    table: {
      widths: [150, '*'],
      body: rows.map(([label, value]): TableCell[] => [
        { text: label, style: 'label' },
        typeof value === 'string' ? { text: value } : value,
      ]),
    },
    layout: 'noBorders',
  };
}

/** A bordered table with a shaded header row repeated on every page. */
export function grid(
  widths: (number | string)[],
  header: string[],
  rows: TableCell[][],
  options: {
    fillRow?: (index: number) => string | undefined;
    /** Least height of the body rows, e.g. room to write by hand. */
    rowHeight?: number;
  } = {},
): Content {
  const { rowHeight } = options;
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths,
      ...(rowHeight ? { heights: (row: number) => (row === 0 ? 'auto' : rowHeight) } : {}),
      body: [header.map((text): TableCell => ({ text, style: 'tableHeader' })), ...rows],
    },
    layout: {
      hLineWidth: () => 0.5,
      vLineWidth: () => 0.5,
      hLineColor: () => Colors.border,
      vLineColor: () => Colors.border,
      fillColor: (rowIndex) => (rowIndex === 0 ? null : (options.fillRow?.(rowIndex - 1) ?? null)),
    },
    style: 'small',
  };
}

/** The red banner of a document that must not be used. */
export const DRAFT_BANNER_TEXT = 'Brouillon — document non valable';

export function draftBanner(): Content {
  return {
    table: {
      widths: ['*'],
      body: [
        [
          {
            text: DRAFT_BANNER_TEXT,
            style: 'banner',
            fillColor: Colors.errorBackground,
            margin: [0, 4, 0, 4],
          },
        ],
      ],
    },
    layout: {
      hLineColor: () => Colors.error,
      vLineColor: () => Colors.error,
    },
    margin: [0, 0, 0, 8],
  };
}

/** `Page 2 / 3`. */
export const pageNumberText = (page: number, count: number) => `Page ${page} / ${count}`;

/** The footer line: what the document is on the left, the page number on the right. */
export function footerLine(left: string, page: number, count: number): Content {
  return {
    columns: [
      { text: left, width: '*', style: 'mention' },
      { text: pageNumberText(page, count), width: 'auto', style: 'mention', alignment: 'right' },
    ],
    margin: [40, 16, 40, 0],
  };
}

/** An empty square to tick, and its label. */
export function checkbox(label: string, checked = false): Column {
  const box: ContentCanvas = {
    canvas: [
      { type: 'rect', x: 0, y: 1, w: 8, h: 8, lineWidth: 0.7, lineColor: Colors.text },
      ...(checked
        ? [
            {
              type: 'polyline' as const,
              points: [
                { x: 1.5, y: 5 },
                { x: 3.5, y: 7.5 },
                { x: 7, y: 2 },
              ],
              lineWidth: 1,
              lineColor: Colors.text,
            },
          ]
        : []),
    ],
  };
  return {
    columns: [
      { ...box, width: 12 },
      { text: label, width: 'auto' },
    ],
    columnGap: 2,
    width: 'auto',
  };
}

/** Boxes side by side, e.g. « Oui » and « Non ». */
export const choices = (labels: string[], checked?: string): Content => ({
  columns: labels.map((label) => checkbox(label, label === checked)),
  columnGap: 14,
});

/** A dotted line to write on, `width` points long (the whole width when absent). */
export function writingLine(width = 515): ContentCanvas {
  return {
    canvas: [
      {
        type: 'line',
        x1: 0,
        y1: 12,
        x2: width,
        y2: 12,
        lineWidth: 0.5,
        lineColor: Colors.border,
        dash: { length: 1.5, space: 1.5 },
      },
    ],
    margin: [0, 0, 0, 2],
  };
}

/** Signature boxes side by side: each a title, a name and an empty frame. */
export function signatureBoxes(boxes: { title: string; name: string }[]): Content {
  return {
    table: {
      widths: boxes.map(() => '*'),
      heights: (row: number) => (row === 1 ? 70 : 'auto'),
      body: [
        boxes.map(
          (box): TableCell => ({
            stack: [
              { text: box.title, bold: true },
              { text: box.name, style: 'mention' },
            ],
          }),
        ),
        boxes.map((): TableCell => ({ text: 'Signature :', style: 'mention' })),
      ],
    },
    layout: {
      hLineWidth: (i: number) => (i === 1 ? 0 : 0.5),
      vLineWidth: () => 0.5,
      hLineColor: () => Colors.border,
      vLineColor: () => Colors.border,
    },
    unbreakable: true,
  };
}
