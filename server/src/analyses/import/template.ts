import { ImportColumns } from '@maestro/shared/schema';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv; charset=utf-8';

/** The example line of the template, one value per column of `ImportColumns`. */
export const TemplateExample: readonly string[] = [
  'ARA-26-00042-A-1',
  'RF-0087-001-PPP',
  'Q',
  '0,05',
  'mg/kg',
  '0,01',
  '',
  '',
  '2026-03-02',
  'Exemple à remplacer par vos résultats',
];

const csvCell = (value: string) =>
  /[;"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

/** Rows as French Excel reads them: UTF-8 with a BOM, `;`, CRLF. */
export function toCsv(rows: readonly (readonly string[])[]): Buffer {
  const text = rows.map((cells) => `${cells.map(csvCell).join(';')}\r\n`).join('');
  return Buffer.from(`\uFEFF${text}`, 'utf8');
}

/** Rows as a one-sheet workbook of text cells. */
export async function toXlsx(rows: readonly (readonly string[])[]): Promise<Buffer> {
  // Loaded on first use: exceljs is large.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Maestro';
  const sheet = workbook.addWorksheet('Résultats', { views: [{ state: 'frozen', ySplit: 1 }] });
  for (const row of rows) sheet.addRow([...row]);
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((column) => {
    column.width = 20;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The model of a result file: the header row and one example line. */
export async function importTemplate(
  format: 'csv' | 'xlsx',
): Promise<{ fileName: string; contentType: string; content: Buffer }> {
  const rows = [[...ImportColumns], [...TemplateExample]];
  if (format === 'xlsx')
    return {
      fileName: 'modele-resultats.xlsx',
      contentType: XLSX_TYPE,
      content: await toXlsx(rows),
    };
  return { fileName: 'modele-resultats.csv', contentType: CSV_TYPE, content: toCsv(rows) };
}
