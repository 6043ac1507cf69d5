import { finished } from 'node:stream/promises';
import { setImmediate } from 'node:timers/promises';
import { ExportContentTypes, type ExportFormat } from '@maestro/shared/contract';
import type { Response } from 'express';
import { type Cell, csvField } from '../programming/export';

/**
 * A table streamed as a CSV or XLSX download, from batches of rows read lazily (a database
 * cursor): memory stays flat whatever the number of rows, and a client that leaves stops the
 * reading.
 *
 * CSV: UTF-8 with a BOM, `;` and CRLF, fields quoted when needed and a text starting with `=`,
 * `+`, `-`, `@`, tab or CR prefixed with `'` (see `csvField`). XLSX: typed cells through
 * exceljs's streaming writer, so nothing is ever a formula.
 */
export interface StreamedTable {
  format: ExportFormat;
  /** The downloaded file's name (ASCII). */
  fileName: string;
  /** Sheet name in the XLSX (31 characters at most). */
  sheetName: string;
  columns: readonly { header: string; width: number }[];
  /** The rows, in batches; closed (`return`) when the download stops early. */
  batches: AsyncGenerator<Cell[][]>;
  /** How a cell is written in the CSV (`csvField` by default). */
  csvCell?: (cell: Cell) => string;
}

// One formatter: French decimal comma, no grouping, no exponent.
const decimal = new Intl.NumberFormat('fr-FR', { useGrouping: false, maximumFractionDigits: 12 });

/**
 * A CSV field for French Excel where numbers take a decimal comma (« 0,015 »): a number is
 * never taken for a formula, whatever its sign; text goes through `csvField`.
 */
export const frenchCsvField = (cell: Cell): string =>
  typeof cell === 'number' ? decimal.format(cell) : csvField(cell);

class ClientGone extends Error {
  constructor() {
    super('export abandoned by the client');
  }
}

/** Waits until the response may take more, or fails when the client has gone. */
function drained(res: Response): Promise<void> {
  if (res.destroyed) return Promise.reject(new ClientGone());
  if (!res.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new ClientGone());
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

async function writeCsv(
  res: Response,
  table: StreamedTable,
  rows: AsyncIterable<Cell[][]>,
): Promise<void> {
  const field = table.csvCell ?? csvField;
  const line = (cells: readonly Cell[]) => `${cells.map(field).join(';')}\r\n`;
  let chunk = `\uFEFF${line(table.columns.map((c) => c.header))}`;
  for await (const batch of rows) {
    for (const cells of batch) chunk += line(cells);
    if (chunk.length >= 65_536) {
      res.write(chunk);
      chunk = '';
      await drained(res);
    }
  }
  res.end(chunk);
  await finished(res);
}

async function writeXlsx(
  res: Response,
  table: StreamedTable,
  rows: AsyncIterable<Cell[][]>,
): Promise<void> {
  // Loaded on first use: exceljs is large and most processes never export.
  const { default: ExcelJS } = await import('exceljs');
  // No cell styles: they cost exceljs about two thirds of its time.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: res,
    useStyles: false,
    useSharedStrings: false,
  });
  workbook.creator = 'Maestro';
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(table.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map(({ header, width }) => ({ header, width }));
  for await (const batch of rows) {
    for (const cells of batch) sheet.addRow(cells).commit();
    // exceljs writes synchronously: let the socket drain, and other requests run, between batches
    await drained(res);
    await setImmediate();
  }
  sheet.commit();
  await Promise.all([workbook.commit(), finished(res)]);
}

/**
 * Streams the table. The first batch is read before answering, so a failing query is still a
 * clean 500; headers go next, and a failure afterwards can only cut the download short (the
 * connection is destroyed, never ended as if complete).
 */
export async function sendTableExport(res: Response, table: StreamedTable): Promise<void> {
  const { batches } = table;
  const first = await batches.next();
  async function* rows(): AsyncGenerator<Cell[][]> {
    if (first.done) return;
    yield first.value;
    for (;;) {
      const next = await batches.next();
      if (next.done) return;
      yield next.value;
    }
  }
  res.status(200);
  res.setHeader('Content-Type', ExportContentTypes[table.format]);
  res.setHeader('Content-Disposition', `attachment; filename="${table.fileName}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.flushHeaders();
  try {
    if (table.format === 'csv') await writeCsv(res, table, rows());
    else await writeXlsx(res, table, rows());
  } catch (error) {
    await batches.return(undefined);
    if (!res.destroyed) res.destroy();
    if (error instanceof ClientGone) return;
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw error;
  }
}
