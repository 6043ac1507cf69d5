import type {
  CanvasRect,
  Content,
  ContentCanvas,
  TableCell,
  TDocumentDefinitions,
} from 'pdfmake/interfaces';
import {
  copyLines,
  formatDateTime,
  MISSING,
  matrixLabel,
  personName,
  quantityText,
  type SampleDocumentData,
} from './data';
import { Colors, pageSetup } from './render';

// ————— Code 128, code set B —————

/**
 * The 107 symbols of Code 128 (ISO/IEC 15417), by value: the widths, in modules, of bar, space,
 * bar, space, bar, space. Every symbol is 11 modules wide; 103–105 are the start symbols (A, B,
 * C); 106 is the stop symbol, whose final bar (2 modules) is appended apart.
 */
// biome-ignore format: one symbol table, nine a line
const PATTERNS = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212',
  '221213', '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221',
  '223211', '221132', '221231', '213212', '223112', '312131', '311222', '321122', '321221',
  '312212', '322112', '322211', '212123', '212321', '232121', '111323', '131123', '131321',
  '112313', '132113', '132311', '211313', '231113', '231311', '112133', '112331', '132131',
  '113123', '113321', '133121', '313121', '211331', '231131', '213113', '213311', '213131',
  '311123', '311321', '331121', '312113', '312311', '332111', '314111', '221411', '431111',
  '111224', '111422', '121124', '121421', '141122', '141221', '112214', '112412', '122114',
  '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111', '111242',
  '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311',
  '113141', '114131', '311141', '411131', '211412', '211214', '211232', '233111',
] as const;

export const CODE128_START_B = 104;
export const CODE128_STOP = 106;
/** Width of the final bar that closes the stop symbol. */
const STOP_FINAL_BAR = 2;
/** The blank margin the standard asks on each side: 10 modules. */
export const CODE128_QUIET_ZONE = 10;

/** The widths of a symbol value, bar first. */
export const code128Pattern = (value: number): number[] => {
  const pattern = PATTERNS[value];
  if (pattern === undefined) throw new RangeError(`No Code 128 symbol ${value}`);
  return [...pattern].map(Number);
};

export interface Code128 {
  /** Start B, the data symbols, the check symbol and the stop symbol. */
  values: number[];
  checksum: number;
  /** Module widths, alternately bar and space, starting and ending with a bar. */
  widths: number[];
  /** Total width in modules, quiet zones excluded. */
  modules: number;
}

/**
 * Encodes printable ASCII (space to `~`) in Code 128 code set B: start B (104), one symbol per
 * character (its code minus 32), the check symbol — start value plus each symbol's value times
 * its position (1-based), modulo 103 — then the stop symbol.
 */
export function encodeCode128B(text: string): Code128 {
  if (text.length === 0) throw new RangeError('Nothing to encode');
  const data = [...text].map((char) => {
    const code = char.codePointAt(0) ?? 0;
    if (code < 32 || code > 126)
      throw new RangeError(`Code 128 B cannot encode ${JSON.stringify(char)}`);
    return code - 32;
  });
  const checksum =
    data.reduce((sum, value, index) => sum + value * (index + 1), CODE128_START_B) % 103;
  const values = [CODE128_START_B, ...data, checksum, CODE128_STOP];
  const widths = [...values.flatMap(code128Pattern), STOP_FINAL_BAR];
  return { values, checksum, widths, modules: widths.reduce((a, b) => a + b, 0) };
}

/**
 * The barcode of `text` as a pdfmake canvas of black rectangles, quiet zones included, the module
 * as wide as `maxWidth` allows (1 pt at most, i.e. 0.35 mm, comfortable for any scanner).
 */
export function code128Canvas(
  text: string,
  options: { height?: number; maxWidth?: number } = {},
): ContentCanvas {
  const { height = 40, maxWidth = 255 } = options;
  const code = encodeCode128B(text);
  const module = Math.min(1, maxWidth / (code.modules + 2 * CODE128_QUIET_ZONE));
  // a white ground over the quiet zones too: the canvas is measured (and centred) with them
  const bars: CanvasRect[] = [
    {
      type: 'rect',
      x: 0,
      y: 0,
      w: (code.modules + 2 * CODE128_QUIET_ZONE) * module,
      h: height,
      color: '#FFFFFF',
    },
  ];
  let x = CODE128_QUIET_ZONE;
  code.widths.forEach((width, index) => {
    if (index % 2 === 0)
      bars.push({
        type: 'rect',
        x: x * module,
        y: 0,
        w: width * module,
        h: height,
        color: '#000000',
      });
    x += width;
  });
  return { canvas: bars, alignment: 'center' };
}

// ————— Labels —————

const SHEET_MARGIN = 20;
const LABEL_PADDING = 8;
/** Two labels across an A4 sheet (595 pt) less the margins and the padding. */
const BARCODE_WIDTH = (595.28 - 2 * SHEET_MARGIN) / 2 - 2 * LABEL_PADDING - 4;

/** Who keeps the copy, as written on its label. */
function keeper(data: SampleDocumentData, recipient: string | null): string {
  switch (recipient) {
    case 'Laboratory':
      return data.laboratory ? `Laboratoire : ${data.laboratory.name}` : 'Laboratoire';
    case 'Owner':
      return data.sample.ownerName ? `Détenteur : ${data.sample.ownerName}` : 'Détenteur';
    case 'Sampler':
      return `Préleveur : ${personName(data.sampler)}`;
    default:
      return `Destinataire : ${MISSING}`;
  }
}

/**
 * A sheet of labels, two across, one per copy of every item: the copy reference as a Code 128
 * barcode and in clear, the matrix, the seal number, the sampling date and who keeps the copy.
 */
export function labelsDefinition(data: SampleDocumentData): TDocumentDefinitions {
  const { sample } = data;
  const matrix = matrixLabel(sample);
  const labels = copyLines(sample).map((line): TableCell => {
    const stack: Content[] = [
      {
        columns: [
          { text: `Prélèvement ${sample.reference}`, style: 'mention', width: '*' },
          {
            text: `Échantillon ${line.letter} — ex. ${line.copy.copyNumber}`,
            style: 'mention',
            width: 'auto',
          },
        ],
      },
      {
        ...code128Canvas(line.reference, { height: 42, maxWidth: BARCODE_WIDTH }),
        margin: [0, 4, 0, 2],
      },
      { text: line.reference, bold: true, fontSize: 12, alignment: 'center', noWrap: true },
      {
        margin: [0, 4, 0, 0],
        fontSize: 8.5,
        stack: [
          { text: [{ text: 'Matrice : ', color: Colors.mention }, matrix] },
          {
            text: [
              { text: 'Scellé n° ', color: Colors.mention },
              { text: line.copy.sealNumber ?? MISSING, bold: true },
              { text: '   Quantité : ', color: Colors.mention },
              quantityText(line.copy),
            ],
          },
          {
            text: [
              { text: 'Prélevé le ', color: Colors.mention },
              formatDateTime(sample.sampledAt),
            ],
          },
          { text: keeper(data, line.copy.recipient) },
        ],
      },
    ];
    return {
      stack,
      margin: [LABEL_PADDING - 4, LABEL_PADDING - 2, LABEL_PADDING - 4, LABEL_PADDING - 2],
    };
  });
  const rows: TableCell[][] = [];
  for (let i = 0; i < labels.length; i += 2) rows.push([labels[i]!, labels[i + 1] ?? {}]);
  return {
    ...pageSetup({
      title: `Étiquettes ${sample.reference}`,
      subject: `${labels.length} étiquettes`,
      keywords: sample.reference,
      generatedAt: data.generatedAt,
    }),
    pageMargins: SHEET_MARGIN,
    content:
      rows.length === 0
        ? [{ text: `Prélèvement ${sample.reference} : aucun échantillon à étiqueter.` }]
        : [
            {
              table: { widths: ['*', '*'], dontBreakRows: true, body: rows },
              layout: {
                hLineWidth: () => 0.5,
                vLineWidth: () => 0.5,
                hLineColor: () => Colors.border,
                vLineColor: () => Colors.border,
                hLineStyle: () => ({ dash: { length: 3, space: 3 } }),
                vLineStyle: () => ({ dash: { length: 3, space: 3 } }),
              },
            },
          ],
  };
}
