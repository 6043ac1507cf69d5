import type { Content, ContentSection, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import {
  companyAddress,
  contextLabel,
  copyLines,
  copyNumbers,
  copyRecipientTitle,
  cultureKindLabel,
  departmentLabel,
  formatDateTime,
  formatSiret,
  geolocationText,
  legalContextLabel,
  MISSING,
  matrixKindLabel,
  matrixLabel,
  methodLabel,
  partSampledLabel,
  personName,
  planLabel,
  quantityText,
  recipientLabel,
  type SampleDocumentData,
  sortedSubstances,
  stageLabel,
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
  signatureBoxes,
} from './render';

export const SUPPORT_DOCUMENT_TITLE = 'Procès-verbal de prélèvement';

/** `Exemplaire n° 1 — Laboratoire (SCL 69)`. */
export const copyTitle = (data: SampleDocumentData, copyNumber: number) =>
  `Exemplaire n° ${copyNumber} — ${copyRecipientTitle(data, copyNumber)}`;

/**
 * The footer of copy `copyNumber`, numbering the pages within the copy. Every copy of a document
 * carries the same content but its one-line title, so all copies take the same number of pages:
 * page p of the whole file is page ((p − 1) mod n) + 1 of its copy. Should that ever not hold,
 * the file's own numbering is kept.
 */
export function supportDocumentFooter(
  reference: string,
  copyNumber: number,
  sectionCount: number,
): (page: number, pageCount: number) => Content {
  return (page, pageCount) => {
    const evenly = pageCount % sectionCount === 0;
    const perCopy = evenly ? pageCount / sectionCount : pageCount;
    const inCopy = evenly ? ((page - 1) % perCopy) + 1 : page;
    return footerLine(
      `${SUPPORT_DOCUMENT_TITLE} ${reference} — Exemplaire n° ${copyNumber}`,
      inCopy,
      perCopy,
    );
  };
}

function body(data: SampleDocumentData, copyNumber: number): Content[] {
  const { sample, laboratory, sampler, authority } = data;
  const company = sample.company;
  const substances = sortedSubstances(sample.substances);
  const lines = copyLines(sample);

  const content: Content[] = [letterhead(authority)];
  if (sample.status === 'Draft') content.push(draftBanner());
  content.push(
    {
      columns: [
        {
          width: '*',
          stack: [
            { text: SUPPORT_DOCUMENT_TITLE, style: 'title' },
            // one line whatever the recipient: every copy keeps the same layout
            { text: copyTitle(data, copyNumber), style: 'subtitle', noWrap: true },
          ],
        },
        {
          width: 'auto',
          alignment: 'right',
          stack: [
            { text: 'Référence', style: 'label' },
            { text: sample.reference, style: 'reference' },
          ],
        },
      ],
      margin: [0, 0, 0, 4],
    },

    heading('Autorité et agents'),
    fields([
      ['Autorité mandante', authority.name],
      ...(authority.address ? [['Adresse', authority.address] as const] : []),
      ['Agent habilité (préleveur)', `${personName(sampler)} — ${sampler.email}`],
      ['Second préleveur', sample.secondSamplerName ?? MISSING],
      ['Date et heure du prélèvement', formatDateTime(sample.sampledAt)],
    ]),

    heading('Cadre du prélèvement'),
    fields([
      ['Plan', planLabel(data.plan)],
      ['Contexte', contextLabel(sample.context)],
      ...(sample.outOfProgrammeReason
        ? [['Motif (hors programme)', sample.outOfProgrammeReason] as const]
        : []),
      ['Cadre juridique', legalContextLabel(sample.legalContext)],
      ['Numéro d’inspection', sample.inspectionId ?? MISSING],
    ]),

    heading('Lieu de prélèvement'),
    fields([
      ['Entreprise', company?.name ?? MISSING],
      ['SIRET', formatSiret(company?.siret)],
      ['Adresse', companyAddress(company)],
      ['Code NAF', company?.nafCode ?? MISSING],
      ['Parcelle', sample.parcel ?? MISSING],
      ['Département', departmentLabel(sample.departmentCode)],
      ['Géolocalisation', geolocationText(sample.geolocation)],
      ...(sample.contextNotes ? [['Notes', sample.contextNotes] as const] : []),
    ]),

    heading('Matrice'),
    fields([
      ['Catégorie de matrice', matrixKindLabel(sample.matrixKindCode)],
      ['Matrice', matrixLabel(sample)],
      ['Stade de prélèvement', stageLabel(sample.stage)],
      ['Partie prélevée', partSampledLabel(sample.partSampled)],
      ['Type de culture', cultureKindLabel(sample.cultureKind)],
      ...(sample.matrixNotes ? [['Notes', sample.matrixNotes] as const] : []),
    ]),

    heading(`Substances à analyser (${substances.length})`),
    substances.length === 0
      ? { text: 'Aucune substance indiquée.', style: 'mention' }
      : grid(
          [95, '*', 70],
          ['Code', 'Substance', 'Méthode'],
          substances.map((s): TableCell[] => [s.substanceCode, s.label, methodLabel(s.method)]),
        ),

    heading('Échantillons et scellés'),
    fields([
      ['Laboratoire destinataire', laboratory ? laboratory.name : MISSING],
      ['Nombre d’échantillons', String(sample.items.length)],
    ]),
    lines.length === 0
      ? { text: 'Aucun échantillon.', style: 'mention' }
      : grid(
          [26, 24, 100, 48, 66, 52, '*'],
          ['Éch.', 'Ex.', 'Référence', 'Quantité', 'N° de scellé', '2002/63/CE', 'Destinataire'],
          lines.map((line): TableCell[] => [
            line.letter,
            String(line.copy.copyNumber),
            { text: line.reference, noWrap: true },
            quantityText(line.copy),
            line.copy.sealNumber ?? MISSING,
            yesNo(line.copy.compliant200263),
            recipientLabel(line.copy.recipient, laboratory),
          ]),
          // the lines of this copy stand out (a fill: bold would change the layout)
          {
            fillRow: (index) =>
              lines[index]?.copy.copyNumber === copyNumber ? Colors.highlight : undefined,
          },
        ),

    heading('Déclaration du détenteur'),
    fields([
      ['Le détenteur accepte le procès-verbal', yesNo(sample.ownerConsent)],
      ['Déclaration du détenteur', sample.ownerStatement ?? MISSING],
      ['Nom du détenteur', sample.ownerName ?? MISSING],
      ['Adresse e-mail du détenteur', sample.ownerEmail ?? MISSING],
    ]),

    {
      stack: [
        heading('Signatures'),
        signatureBoxes([
          { title: 'Le préleveur', name: personName(sampler) },
          ...(sample.secondSamplerName
            ? [{ title: 'Le second préleveur', name: sample.secondSamplerName }]
            : []),
          { title: 'Le détenteur', name: sample.ownerName ?? '' },
        ]),
      ],
      unbreakable: true,
    },
    {
      text: `Document établi avec Maestro le ${formatDateTime(data.generatedAt)}.`,
      style: 'mention',
      margin: [0, 8, 0, 0],
    },
  );
  return content;
}

/**
 * The support document (procès-verbal de prélèvement) of a sample: one document per copy, whose
 * title names the copy and its recipient. With `copyNumber`, that copy only; without it, every
 * copy the sample has, one after the other, each from a new page and numbered on its own.
 * A draft carries a banner and a watermark: it is not valid.
 */
export function supportDocumentDefinition(
  data: SampleDocumentData,
  copyNumber?: number,
): TDocumentDefinitions {
  const { sample } = data;
  const known = copyNumbers(sample);
  const copies = copyNumber !== undefined ? [copyNumber] : known.length > 0 ? known : [1];
  const sections = copies.map(
    (n): ContentSection => ({
      section: body(data, n),
      footer: supportDocumentFooter(sample.reference, n, copies.length),
    }),
  );
  const title =
    copyNumber !== undefined
      ? `${SUPPORT_DOCUMENT_TITLE} ${sample.reference} — Exemplaire n° ${copyNumber}`
      : `${SUPPORT_DOCUMENT_TITLE} ${sample.reference}`;
  return {
    ...pageSetup({
      title,
      subject: copyNumber !== undefined ? copyTitle(data, copyNumber) : 'Tous les exemplaires',
      keywords: sample.reference,
      generatedAt: data.generatedAt,
    }),
    ...(sample.status === 'Draft'
      ? { watermark: { text: 'BROUILLON', color: Colors.error, opacity: 0.12, bold: true } }
      : {}),
    content: sections,
  };
}
