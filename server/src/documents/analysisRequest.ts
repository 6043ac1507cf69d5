import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import { type Cell, csvField } from '../programming/export';
import {
  companyAddress,
  contextLabel,
  copyLines,
  cultureKindLabel,
  departmentLabel,
  formatDate,
  formatDateTime,
  formatSiret,
  formatTime,
  laboratoryAddressLines,
  legalContextLabel,
  MISSING,
  matrixKindLabel,
  matrixLabel,
  methodLabel,
  partSampledLabel,
  personName,
  planLabel,
  quantityText,
  type SampleDocumentData,
  sortedSubstances,
  stageLabel,
  unitLabel,
  yesNo,
} from './data';
import {
  Colors,
  draftBanner,
  fields,
  footerLine,
  grid,
  heading,
  letterhead,
  pageSetup,
} from './render';

export const ANALYSIS_REQUEST_TITLE = 'Demande d’analyse';

/** The copies the laboratory analyses: copy 1 of each item. */
const analysedCopies = (data: SampleDocumentData) =>
  copyLines(data.sample).filter((line) => line.copy.copyNumber === 1);

/**
 * The analysis request (demande d’analyse) sent to the laboratory with copy 1 of each item:
 * who it is for, the sample, the items to analyse with their seals, the substances and their
 * methods, and whom to contact.
 */
export function analysisRequestDefinition(data: SampleDocumentData): TDocumentDefinitions {
  const { sample, laboratory, sampler, authority } = data;
  const substances = sortedSubstances(sample.substances);
  const copies = analysedCopies(data);
  const mono = substances.filter((s) => s.method === 'Mono').length;
  const multi = substances.length - mono;

  const addressee: Content = laboratory
    ? {
        stack: [
          { text: 'Destinataire', style: 'label' },
          ...laboratoryAddressLines(laboratory).map((text, i) => ({ text, bold: i === 0 })),
          ...(laboratory.emails.length > 0
            ? [{ text: laboratory.emails.join(', '), style: 'mention' }]
            : []),
        ],
      }
    : { stack: [{ text: 'Destinataire', style: 'label' }, { text: 'Laboratoire non choisi' }] };

  const content: Content[] = [
    letterhead(authority),
    {
      columns: [
        { width: '*', text: '' },
        { width: 250, ...addressee },
      ],
      margin: [0, 0, 0, 12],
    },
  ];
  if (sample.status === 'Draft') content.push(draftBanner());
  content.push(
    {
      columns: [
        { text: ANALYSIS_REQUEST_TITLE, style: 'title', width: '*' },
        {
          width: 'auto',
          alignment: 'right',
          stack: [
            { text: 'Référence', style: 'label' },
            { text: sample.reference, style: 'reference' },
          ],
        },
      ],
    },
    {
      text: `Le ${formatDate(data.generatedAt)}, l’autorité mandante demande au laboratoire l’analyse des échantillons ci-dessous${sample.sampledAt ? `, prélevés le ${formatDateTime(sample.sampledAt)}` : ''}.`,
      margin: [0, 6, 0, 0],
    },

    heading('Prélèvement'),
    fields([
      ['Référence', sample.reference],
      ['Date et heure du prélèvement', formatDateTime(sample.sampledAt)],
      ['Plan', planLabel(data.plan)],
      ['Contexte', contextLabel(sample.context)],
      ['Cadre juridique', legalContextLabel(sample.legalContext)],
      ['Département', departmentLabel(sample.departmentCode)],
      [
        'Lieu',
        [
          sample.company
            ? `${sample.company.name} (SIRET ${formatSiret(sample.company.siret)}), ${companyAddress(sample.company)}`
            : null,
          sample.parcel ? `Parcelle ${sample.parcel}` : null,
        ]
          .filter(Boolean)
          .join(' — ') || MISSING,
      ],
      ['Catégorie de matrice', matrixKindLabel(sample.matrixKindCode)],
      ['Matrice', matrixLabel(sample)],
      ['Stade de prélèvement', stageLabel(sample.stage)],
      ['Partie prélevée', partSampledLabel(sample.partSampled)],
      ['Type de culture', cultureKindLabel(sample.cultureKind)],
      ...(sample.matrixNotes ? [['Notes', sample.matrixNotes] as const] : []),
    ]),

    heading(`Échantillons à analyser (${copies.length})`),
    copies.length === 0
      ? { text: 'Aucun échantillon.', style: 'mention' }
      : grid(
          [40, 120, 100, 80, '*'],
          ['Éch.', 'Référence', 'N° de scellé', 'Quantité', 'Prélevé selon 2002/63/CE'],
          copies.map((line): TableCell[] => [
            line.letter,
            { text: line.reference, noWrap: true },
            { text: line.copy.sealNumber ?? MISSING, bold: true },
            quantityText(line.copy),
            yesNo(line.copy.compliant200263),
          ]),
        ),

    heading(
      `Substances à analyser (${substances.length} : ${mono} mono-résidu, ${multi} multi-résidus)`,
    ),
    substances.length === 0
      ? { text: 'Aucune substance indiquée.', style: 'mention' }
      : grid(
          [95, '*', 70],
          ['Code', 'Substance', 'Méthode'],
          substances.map((s): TableCell[] => [s.substanceCode, s.label, methodLabel(s.method)]),
        ),

    heading('Contact'),
    fields([
      ['Préleveur', personName(sampler)],
      ['Adresse e-mail', sampler.email],
      ...(sample.secondSamplerName
        ? [['Second préleveur', sample.secondSamplerName] as const]
        : []),
      ['Autorité mandante', authority.name],
      ...(authority.address ? [['Adresse', authority.address] as const] : []),
    ]),
    {
      text: 'Les résultats sont à saisir ou à déposer dans Maestro sous la référence de chaque échantillon. Les exemplaires 2 et 3 sont conservés pour l’analyse contradictoire.',
      style: 'mention',
      margin: [0, 10, 0, 0],
    },
  );

  return {
    ...pageSetup({
      title: `${ANALYSIS_REQUEST_TITLE} ${sample.reference}`,
      subject: laboratory ? laboratory.name : ANALYSIS_REQUEST_TITLE,
      keywords: sample.reference,
      generatedAt: data.generatedAt,
    }),
    ...(sample.status === 'Draft'
      ? { watermark: { text: 'BROUILLON', color: Colors.error, opacity: 0.12, bold: true } }
      : {}),
    footer: (page, pageCount) =>
      footerLine(`${ANALYSIS_REQUEST_TITLE} ${sample.reference}`, page, pageCount),
    content,
  };
}

// ————— Tabular forms, for the laboratory's own systems —————

export interface AnalysisRequestTable {
  header: string[];
  rows: Cell[][];
}

const COLUMNS: { header: string; width: number }[] = [
  { header: 'Référence du prélèvement', width: 16 },
  { header: 'Référence de l’échantillon', width: 20 },
  { header: 'Échantillon', width: 8 },
  { header: 'N° de scellé', width: 14 },
  { header: 'Quantité', width: 10 },
  { header: 'Unité', width: 8 },
  { header: 'Prélevé selon 2002/63/CE', width: 10 },
  { header: 'Date de prélèvement', width: 12 },
  { header: 'Heure de prélèvement', width: 10 },
  { header: 'Catégorie de matrice (code)', width: 12 },
  { header: 'Catégorie de matrice', width: 24 },
  { header: 'Matrice (code)', width: 12 },
  { header: 'Matrice', width: 24 },
  { header: 'Stade de prélèvement', width: 22 },
  { header: 'Partie prélevée', width: 16 },
  { header: 'Type de culture', width: 16 },
  { header: 'Code substance', width: 18 },
  { header: 'Substance', width: 40 },
  { header: 'Méthode', width: 14 },
  { header: 'Contexte', width: 20 },
  { header: 'Cadre juridique', width: 18 },
  { header: 'Plan', width: 30 },
  { header: 'Département', width: 20 },
  { header: 'SIRET', width: 16 },
  { header: 'Entreprise', width: 30 },
  { header: 'Parcelle', width: 16 },
  { header: 'Préleveur', width: 20 },
  { header: 'E-mail du préleveur', width: 28 },
  { header: 'Laboratoire', width: 30 },
];

const orEmpty = (text: string) => (text === MISSING ? '' : text);

/**
 * The analysis request as one table: a row per analysed item (copy 1) and substance, the
 * sample's details repeated on every row so that each row stands alone in a laboratory's
 * system. An item is listed once, with empty substance columns, when no substance is given.
 * Missing values are empty cells; quantities are numbers.
 */
export function analysisRequestRows(data: SampleDocumentData): AnalysisRequestTable {
  const { sample, laboratory, sampler } = data;
  const substances = sortedSubstances(sample.substances);
  const rows: Cell[][] = [];
  for (const line of analysedCopies(data)) {
    const common = (substance: (typeof substances)[number] | null): Cell[] => [
      sample.reference,
      line.reference,
      line.letter,
      line.copy.sealNumber ?? '',
      line.copy.quantity,
      unitLabel(line.copy.unit),
      line.copy.compliant200263 === null ? '' : yesNo(line.copy.compliant200263),
      sample.sampledAt ? formatDate(sample.sampledAt) : '',
      sample.sampledAt ? formatTime(sample.sampledAt) : '',
      sample.matrixKindCode ?? '',
      orEmpty(matrixKindLabel(sample.matrixKindCode)),
      sample.matrixCode ?? '',
      orEmpty(matrixLabel(sample)),
      orEmpty(stageLabel(sample.stage)),
      orEmpty(partSampledLabel(sample.partSampled)),
      orEmpty(cultureKindLabel(sample.cultureKind)),
      substance?.substanceCode ?? '',
      substance?.label ?? '',
      substance ? methodLabel(substance.method) : '',
      orEmpty(contextLabel(sample.context)),
      orEmpty(legalContextLabel(sample.legalContext)),
      data.plan ? planLabel(data.plan) : '',
      orEmpty(departmentLabel(sample.departmentCode)),
      sample.company?.siret ?? '',
      sample.company?.name ?? '',
      sample.parcel ?? '',
      personName(sampler),
      sampler.email,
      laboratory?.name ?? '',
    ];
    if (substances.length === 0) rows.push(common(null));
    for (const substance of substances) rows.push(common(substance));
  }
  return { header: COLUMNS.map((c) => c.header), rows };
}

/** A cell for French Excel, decimal numbers with a comma (`1,5`). */
const frenchCsvField = (cell: Cell) =>
  typeof cell === 'number' ? String(cell).replace('.', ',') : csvField(cell);

/**
 * The same table as CSV for French Excel: UTF-8 with a BOM, `;`, CRLF, decimal commas, never a
 * formula.
 */
export function analysisRequestCsv(data: SampleDocumentData): Buffer {
  const { header, rows } = analysisRequestRows(data);
  const text = [header, ...rows]
    .map((cells) => `${cells.map(frenchCsvField).join(';')}\r\n`)
    .join('');
  return Buffer.from(`\uFEFF${text}`, 'utf8');
}

/** The same table as an XLSX workbook (typed cells: numbers as numbers, text as text). */
export async function analysisRequestXlsx(data: SampleDocumentData): Promise<Buffer> {
  // Loaded on first use: exceljs is large and most processes never export.
  const { default: ExcelJS } = await import('exceljs');
  const { header, rows } = analysisRequestRows(data);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Maestro';
  workbook.title = `${ANALYSIS_REQUEST_TITLE} ${data.sample.reference}`;
  workbook.created = data.generatedAt;
  workbook.modified = data.generatedAt;
  const sheet = workbook.addWorksheet(ANALYSIS_REQUEST_TITLE, {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = COLUMNS.map(({ header: title, width }) => ({ header: title, width }));
  sheet.getRow(1).font = { bold: true };
  if (header.length !== COLUMNS.length) throw new Error('analysis request columns out of step');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
