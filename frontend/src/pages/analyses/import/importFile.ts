import { contract } from '@maestro/shared/contract';
import { Substances } from '@maestro/shared/referential';
import {
  IMPORT_MAX_BYTES,
  type ImportColumns,
  type ImportEncoding,
  type ImportSummary,
} from '@maestro/shared/schema';
import { apiUpload, apiUrl } from '../../../api/client';

type ImportColumn = (typeof ImportColumns)[number];

/** What each column of a result file holds, as the page explains it. */
export const ImportColumnDescriptions: Record<ImportColumn, string> = {
  reference_echantillon:
    'Référence de l’exemplaire analysé, telle qu’elle figure sur son étiquette (par exemple ARA-26-00042-A-1) ; la référence du prélèvement seule désigne l’exemplaire A-1.',
  code_substance:
    'Code de la substance recherchée dans le catalogue de l’EFSA (par exemple RF-0087-001-PPP), tel qu’il figure sur la demande d’analyse.',
  resultat:
    'ND (non détecté), NQ (détecté, non quantifié : inférieur à la limite de quantification) ou Q (quantifié).',
  valeur: 'Valeur mesurée, seulement pour un résultat quantifié (Q).',
  unite: 'mg/kg (par défaut) ou µg/kg : l’unité de la valeur et de la limite de quantification.',
  lq: 'Limite de quantification, dans la même unité (facultative).',
  lmr: 'Limite maximale de résidus appliquée, en mg/kg (facultative : à défaut, celle du référentiel).',
  incertitude: 'Incertitude de mesure élargie, en % (facultative : 50 % par défaut).',
  date_analyse: 'Date de l’analyse, au format AAAA-MM-JJ ou JJ/MM/AAAA.',
  commentaire: 'Observation du laboratoire sur ce résultat (facultative).',
};

export const ImportTemplateFormats = ['csv', 'xlsx'] as const;
export type ImportTemplateFormat = (typeof ImportTemplateFormats)[number];

export const importTemplateUrl = (format: ImportTemplateFormat): string =>
  apiUrl('getAnalysisImportTemplate', { query: { format } });

export const importFileUrl = (importId: string): string =>
  apiUrl('getAnalysisImportFile', { params: { importId } });

/** The extensions the file input offers. */
export const ImportFileAccept = '.csv,.xlsx,.txt';

/** The types the API accepts for a result file (the contract's). */
const acceptedTypes: readonly string[] = contract.previewAnalysisImport.bodyTypes;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The type sent with the file: the browser's when the API accepts it, else one guessed from
 * the extension (a `.csv` often comes as `application/vnd.ms-excel`, or with no type at all).
 */
export function importContentType(file: Pick<File, 'name' | 'type'>): string {
  if (acceptedTypes.includes(file.type)) return file.type;
  return /\.xlsx$/i.test(file.name) ? XLSX_TYPE : 'text/csv';
}

/** A reason to refuse the file before sending it, or null. */
export function importFileProblem(file: File | null): string | null {
  if (!file) return 'Choisissez le fichier de résultats à contrôler.';
  if (!/\.(csv|xlsx|txt)$/i.test(file.name))
    return 'Ce type de fichier n’est pas accepté : choisissez un fichier CSV (.csv, .txt) ou Excel (.xlsx).';
  if (file.size === 0) return 'Ce fichier est vide.';
  if (file.size > IMPORT_MAX_BYTES)
    return `Ce fichier dépasse ${IMPORT_MAX_BYTES / 1024 / 1024} Mo : découpez-le en plusieurs fichiers.`;
  return null;
}

const fallbackMessages: Record<number, string> = {
  413: `Le fichier dépasse ${IMPORT_MAX_BYTES / 1024 / 1024} Mo : découpez-le en plusieurs fichiers.`,
  415: 'Ce type de fichier n’est pas accepté : envoyez un fichier CSV ou XLSX.',
};

/**
 * Sends a result file for checking (`previewAnalysisImport`): its bytes as the body, its name
 * and encoding in the query. Nothing is written; the answer is the import's summary.
 */
export const uploadImportFile = (file: File, encoding: ImportEncoding): Promise<ImportSummary> =>
  apiUpload(
    'previewAnalysisImport',
    { query: { fileName: file.name, encoding } },
    { content: file, contentType: importContentType(file), messages: fallbackMessages },
  );

/** « Glyphosate » for a known code, else the code itself. */
export const substanceName = (code: string): string => Substances[code]?.label ?? code;

/** « 1 ligne », « 12 lignes » */
export const countOf = (count: number, singular: string, plural: string): string =>
  `${count.toLocaleString('fr-FR')} ${count > 1 ? plural : singular}`;

export function formatDateTime(value: string | null): string {
  if (value === null) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? ''
    : new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short' }).format(date);
}
