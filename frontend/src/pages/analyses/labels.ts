import type { BadgeProps } from '@codegouvfr/react-dsfr/Badge';
import { itemLetter } from '@maestro/shared/domain';
import { Matrices, Substances } from '@maestro/shared/referential';
import type { AnalysisStatus } from '@maestro/shared/schema';

/** The badge of each state of an analysis. */
export const AnalysisStatusSeverity: Record<AnalysisStatus, BadgeProps['severity']> = {
  Sent: 'info',
  NotAdmissible: 'error',
  Analysis: 'new',
  InReview: 'warning',
  Completed: 'success',
};

/** « Analyse ARA-26-00042-A-1 ». */
export const analysisTitle = (copyReference: string | undefined): string =>
  copyReference ? `Analyse ${copyReference}` : 'Analyse';

/** The matrix analysed: its label, else what the agent typed. */
export const matrixName = (matrixCode: string | null, matrixFreeText: string | null): string =>
  (matrixCode && Matrices[matrixCode]?.label) || matrixFreeText || '—';

export const substanceName = (code: string): string => Substances[code]?.label ?? code;

/** « échantillon A, exemplaire 2 » */
export const copyName = (itemNumber: number, copyNumber: number): string =>
  `échantillon ${itemLetter(itemNumber)}, exemplaire ${copyNumber}`;

const numberFormat = (digits: number) =>
  new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 0, maximumFractionDigits: digits });
const number4 = numberFormat(4);

/** A concentration in French notation (« 0,05 »). */
export const formatNumber = (value: number): string => number4.format(value);

/** « 1,2 Mo » */
export function formatSize(bytes: number): string {
  const units = ['octets', 'ko', 'Mo', 'Go'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${numberFormat(unit === 0 ? 0 : 1).format(value)} ${units[unit]}`;
}
