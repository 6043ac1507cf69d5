import {
  type AnalysisMethod,
  CultureKindLabels,
  CultureKindList,
  LegalContextLabels,
  LegalContextList,
  PartSampledLabels,
  PartSampledList,
  type SampleContext,
  SampleContextLabels,
  SampleContextList,
  type Stage,
  StageLabels,
  StageList,
} from '@maestro/shared/referential';
import type { Laboratory } from '@maestro/shared/schema';
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import {
  type Authority,
  departmentLabel,
  laboratoryAddressLines,
  matrixKindLabel,
  methodLabel,
  planLabel,
  type SampleDocumentData,
  sortedSubstances,
} from './data';
import {
  choices,
  fields,
  footerLine,
  grid,
  heading,
  letterhead,
  pageSetup,
  signatureBoxes,
  writingLine,
} from './render';
import { SUPPORT_DOCUMENT_TITLE } from './supportDocument';

export interface BlankFormInput {
  plan: SampleDocumentData['plan'];
  /** The programming line the sampling answers, when known: its context, matrix kind, stages and substances are printed. */
  prescription?: {
    context: SampleContext;
    matrixKindCode: string;
    stages: readonly Stage[];
    substances: readonly { substanceCode: string; method: AnalysisMethod }[];
  } | null;
  departmentCode?: string | null;
  laboratory?: Laboratory | null;
  authority: Authority;
  /** Dates the PDF metadata (now when absent). */
  generatedAt?: Date;
}

export const BLANK_FORM_SUBTITLE = 'Formulaire de prélèvement à remplir sur le terrain';

/** Items printed empty: A to C, three copies each. */
const BLANK_ITEMS = ['A', 'B', 'C'];
const FIELD_LINE = 350;

const line = (width = FIELD_LINE): Content => writingLine(width);

/** Several ruled lines, for free text. */
const lines = (count: number): Content => ({
  stack: Array.from({ length: count }, () => writingLine(515)),
});

/**
 * A printable support document for sampling on paper: what is known (plan, programming line,
 * department, laboratory, ordering authority) printed, the rest as lines to write on and boxes to
 * tick. The record is typed into Maestro afterwards, which gives it its reference.
 */
export function blankFormDefinition(input: BlankFormInput): TDocumentDefinitions {
  const { prescription, laboratory } = input;
  const generatedAt = input.generatedAt ?? new Date();
  const substances = prescription ? sortedSubstances(prescription.substances) : [];
  const stages = prescription?.stages.length ? [...prescription.stages] : StageList;

  const content: Content[] = [
    letterhead(input.authority),
    {
      columns: [
        {
          width: '*',
          stack: [
            { text: SUPPORT_DOCUMENT_TITLE, style: 'title' },
            { text: BLANK_FORM_SUBTITLE, style: 'subtitle' },
          ],
        },
        {
          width: 150,
          stack: [
            { text: 'Référence (attribuée par Maestro)', style: 'label' },
            { ...writingLine(150), margin: [0, 6, 0, 0] },
          ],
        },
      ],
      margin: [0, 0, 0, 4],
    },

    heading('Autorité et agents'),
    fields([
      ['Autorité mandante', input.authority.name],
      ['Agent habilité (préleveur)', line()],
      ['Second préleveur', line()],
      ['Date et heure du prélèvement', '____ / ____ / ________   à  ____ h ____'],
    ]),

    heading('Cadre du prélèvement'),
    fields([
      ['Plan', input.plan ? planLabel(input.plan) : line()],
      [
        'Contexte',
        prescription
          ? SampleContextLabels[prescription.context]
          : {
              stack: [
                choices(SampleContextList.slice(0, 3).map((c) => SampleContextLabels[c])),
                choices(SampleContextList.slice(3).map((c) => SampleContextLabels[c])),
              ],
            },
      ],
      ['Motif (hors programme)', line()],
      ['Cadre juridique', choices(LegalContextList.map((c) => LegalContextLabels[c]))],
      ['Numéro d’inspection', line()],
    ]),

    heading('Lieu de prélèvement'),
    fields([
      ['Entreprise', line()],
      ['SIRET', line(200)],
      ['Adresse', line()],
      ['Code NAF', line(120)],
      ['Parcelle', line()],
      ['Département', input.departmentCode ? departmentLabel(input.departmentCode) : line(200)],
      ['Géolocalisation', 'Latitude : ______________   Longitude : ______________'],
    ]),

    heading('Matrice'),
    fields([
      [
        'Catégorie de matrice',
        prescription ? matrixKindLabel(prescription.matrixKindCode) : line(),
      ],
      ['Matrice', line()],
      [
        'Stade de prélèvement',
        stages.length === 1
          ? StageLabels[stages[0]!]
          : { stack: chunk(stages, 3).map((row) => choices(row.map((s) => StageLabels[s]))) },
      ],
      [
        'Partie prélevée',
        {
          stack: chunk(PartSampledList, 4).map((row) =>
            choices(row.map((p) => PartSampledLabels[p])),
          ),
        },
      ],
      [
        'Type de culture',
        {
          stack: chunk(CultureKindList, 3).map((row) =>
            choices(row.map((k) => CultureKindLabels[k])),
          ),
        },
      ],
    ]),

    heading(
      substances.length > 0
        ? `Substances à analyser (${substances.length})`
        : 'Substances à analyser',
    ),
    substances.length > 0
      ? grid(
          [95, '*', 70],
          ['Code', 'Substance', 'Méthode'],
          substances.map((s): TableCell[] => [s.substanceCode, s.label, methodLabel(s.method)]),
        )
      : grid(
          [95, '*', 70],
          ['Code', 'Substance', 'Méthode'],
          Array.from({ length: 6 }, (): TableCell[] => [' ', ' ', ' ']),
          { rowHeight: 16 },
        ),

    heading('Échantillons et scellés'),
    fields([
      [
        'Laboratoire destinataire',
        laboratory ? laboratoryAddressLines(laboratory).join('\n') : line(),
      ],
    ]),
    grid(
      [28, 30, 70, 90, 80, '*'],
      ['Éch.', 'Ex.', 'Quantité', 'N° de scellé', '2002/63/CE', 'Destinataire'],
      BLANK_ITEMS.flatMap((letter) =>
        [1, 2, 3].map((copy): TableCell[] => [
          letter,
          String(copy),
          ' ',
          ' ',
          choices(['Oui', 'Non']),
          copy === 1
            ? laboratory
              ? `Laboratoire (${laboratory.shortName})`
              : 'Laboratoire'
            : choices(['Préleveur', 'Détenteur']),
        ]),
      ),
      { rowHeight: 18 },
    ),

    heading('Déclaration du détenteur'),
    fields([
      ['Le détenteur accepte le procès-verbal', choices(['Oui', 'Non'])],
      ['Nom du détenteur', line()],
      ['Adresse e-mail du détenteur', line()],
    ]),
    { text: 'Déclaration du détenteur :', style: 'label', margin: [0, 4, 0, 0] },
    lines(4),

    {
      stack: [
        heading('Signatures'),
        signatureBoxes([
          { title: 'Le préleveur', name: 'Nom :' },
          { title: 'Le second préleveur', name: 'Nom :' },
          { title: 'Le détenteur', name: 'Nom :' },
        ]),
      ],
      unbreakable: true,
    },
  ];

  const footerText = `${SUPPORT_DOCUMENT_TITLE} — formulaire papier${input.plan ? ` — plan ${input.plan.year}` : ''}`;
  return {
    ...pageSetup({
      title: `${SUPPORT_DOCUMENT_TITLE} — formulaire à remplir`,
      subject: input.plan ? planLabel(input.plan) : 'Hors programme',
      generatedAt,
    }),
    footer: (page, pageCount) => footerLine(footerText, page, pageCount),
    content,
  };
}

function chunk<T>(list: readonly T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < list.length; i += size) rows.push(list.slice(i, i + size));
  return rows;
}
