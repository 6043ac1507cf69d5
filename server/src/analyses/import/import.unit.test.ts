import { IMPORT_MAX_LINES, ImportColumns } from '@maestro/shared/schema';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../http/errors';
import {
  cellText,
  decodeText,
  detectDelimiter,
  normalizeHeader,
  parseResultFile,
  type RawLine,
} from './parser';
import { importTemplate, toCsv, toXlsx } from './template';
import { resultLine } from './testData';
import {
  type AnalysisTarget,
  parseCopyReference,
  parseDate,
  parseDecimal,
  parseResultKind,
  parseUnit,
  type ValidationContext,
  validateImportLines,
} from './validation';

const header = [...ImportColumns];

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('reading a result file', () => {
  it('reads a windows-1252 CSV with semicolons and decimal commas', async () => {
    const text = `Référence échantillon;Code substance;Résultat;Valeur;Unité;LQ;LMR;Incertitude;Date analyse;Commentaire\r\nARA-26-00001-A-1;RF-0087-001-PPP;quantifié;0,05;µg/kg;0,01;;;02/03/2026;dépassement à vérifier\r\n`;
    const parsed = await parseResultFile(Buffer.from(text, 'latin1'), 'auto');
    expect(parsed).toMatchObject({ format: 'csv', encoding: 'windows-1252', delimiter: ';' });
    expect(parsed.lines).toEqual([
      {
        line: 2,
        fields: {
          reference_echantillon: 'ARA-26-00001-A-1',
          code_substance: 'RF-0087-001-PPP',
          resultat: 'quantifié',
          valeur: '0,05',
          unite: 'µg/kg',
          lq: '0,01',
          lmr: '',
          incertitude: '',
          date_analyse: '02/03/2026',
          commentaire: 'dépassement à vérifier',
        },
      },
    ]);
  });

  it('reads UTF-8 with a BOM, comma and tab separators, columns in any order', async () => {
    const utf8 = await parseResultFile(
      Buffer.from(
        `\uFEFFresultat,code_substance,reference_echantillon\nND,RF-0087-001-PPP,ARA-26-00001\n`,
      ),
      'auto',
    );
    expect(utf8).toMatchObject({ encoding: 'utf-8', delimiter: ',' });
    expect(utf8.lines[0]?.fields).toMatchObject({
      reference_echantillon: 'ARA-26-00001',
      resultat: 'ND',
      valeur: '',
    });
    const tab = await parseResultFile(
      Buffer.from('RÉFÉRENCE_ÉCHANTILLON\tCODE_SUBSTANCE\tRÉSULTAT\n\nX\tY\tNQ\n'),
      'utf-8',
    );
    expect(tab.delimiter).toBe('\t');
    // the empty line is skipped, the numbering follows the file
    expect(tab.lines).toEqual([expect.objectContaining({ line: 3 })]);
  });

  it('numbers a line by where it starts when a quoted cell spans lines', async () => {
    const parsed = await parseResultFile(
      Buffer.from(
        'reference_echantillon;code_substance;resultat;commentaire\nA;B;ND;"deux\nlignes"\nC;D;ND;x\n',
      ),
      'auto',
    );
    expect(parsed.lines.map((l) => l.line)).toEqual([2, 4]);
  });

  it('reads the first sheet of a workbook, whatever its cell types', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Résultats');
    sheet.addRow(header);
    sheet.addRow([
      'ARA-26-00001-A-1',
      'RF-0087-001-PPP',
      'Q',
      0.05,
      'mg/kg',
      0.01,
      null,
      30,
      new Date(Date.UTC(2026, 2, 2)),
    ]);
    sheet.addRow([]);
    sheet.addRow([{ richText: [{ text: 'ARA-26-' }, { text: '00002' }] }, 'RF-0087-001-PPP', 'ND']);
    workbook.addWorksheet('Autre').addRow(['ignorée']);
    const parsed = await parseResultFile(Buffer.from(await workbook.xlsx.writeBuffer()), 'auto');
    expect(parsed).toMatchObject({ format: 'xlsx', encoding: 'xlsx', delimiter: null });
    expect(parsed.lines).toHaveLength(2);
    expect(parsed.lines[0]).toMatchObject({
      line: 2,
      fields: { valeur: '0.05', lq: '0.01', incertitude: '30', date_analyse: '2026-03-02' },
    });
    expect(parsed.lines[1]).toMatchObject({
      line: 4,
      fields: { reference_echantillon: 'ARA-26-00002' },
    });
    expect(cellText({ formula: 'A1*2', result: 4 } as ExcelJS.CellValue)).toBe('4');
  });

  it('names the missing required columns (400)', async () => {
    const error = await rejection(
      parseResultFile(Buffer.from('reference_echantillon;valeur\nA;1\n'), 'auto'),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain('code_substance, resultat');
    expect(error.issues.map((i) => i.path)).toEqual([
      'file.columns.code_substance',
      'file.columns.resultat',
    ]);
  });

  it('refuses an empty file, a file without lines, too many lines, an unreadable workbook', async () => {
    expect((await rejection(parseResultFile(Buffer.alloc(0), 'auto'))).status).toBe(400);
    expect(
      (await rejection(parseResultFile(Buffer.from(`${header.join(';')}\n`), 'auto'))).message,
    ).toContain('aucune ligne');
    const long = `${header.join(';')}\n${'A;B;ND\n'.repeat(IMPORT_MAX_LINES + 1)}`;
    const tooLong = await rejection(parseResultFile(Buffer.from(long), 'auto'));
    expect(tooLong.status).toBe(400);
    expect(tooLong.message).toMatch(/50\s000 lignes/u);
    const zip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]);
    expect((await rejection(parseResultFile(zip, 'auto'))).status).toBe(415);
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect((await rejection(parseResultFile(xls, 'auto'))).status).toBe(415);
  });

  it('decodes, detects separators and normalises headers', () => {
    expect(decodeText(Buffer.from('é', 'latin1'), 'auto')).toEqual({
      text: 'é',
      encoding: 'windows-1252',
    });
    // windows-1252 has the euro sign and typographic quotes where latin-1 has controls
    expect(decodeText(Buffer.from([0x80, 0x92]), 'windows-1252').text).toBe('€’');
    expect(decodeText(Buffer.from('é'), 'auto')).toEqual({ text: 'é', encoding: 'utf-8' });
    expect(detectDelimiter('a,b,c;d\nx;y;z;w;v')).toBe(',');
    expect(detectDelimiter('a')).toBe(';');
    expect(normalizeHeader(' Date d’analyse ')).toBe('date_d_analyse');
    expect(normalizeHeader('Incertitude (%)')).toBe('incertitude');
  });

  it('offers a template that reads back as a valid file (CSV with BOM and `;`, XLSX)', async () => {
    const csv = await importTemplate('csv');
    expect(csv.content.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.content.toString('utf8')).toContain(`${header.join(';')}\r\n`);
    const fromCsv = await parseResultFile(csv.content, 'auto');
    expect(fromCsv.lines).toHaveLength(1);
    const xlsx = await importTemplate('xlsx');
    const fromXlsx = await parseResultFile(xlsx.content, 'auto');
    expect(fromXlsx.lines[0]?.fields).toEqual(fromCsv.lines[0]?.fields);
    expect(toCsv([['a;b', 'c"d']]).toString('utf8')).toBe('\uFEFF"a;b";"c""d"\r\n');
    expect((await toXlsx([['x']])).subarray(0, 2).toString('latin1')).toBe('PK');
  });
});

describe('reading the cells', () => {
  it('reads references, result kinds, units, numbers and dates', () => {
    expect(parseCopyReference('ARA-26-00042-B-2')).toEqual({
      sampleReference: 'ARA-26-00042',
      itemNumber: 2,
      copyNumber: 2,
    });
    expect(parseCopyReference(' ara-26-00042 ')).toEqual({
      sampleReference: 'ARA-26-00042',
      itemNumber: 1,
      copyNumber: 1,
    });
    expect(parseCopyReference('ARA-26-42')).toBeNull();
    expect(parseCopyReference('ARA-26-00042-A')).toBeNull();
    expect(['ND', 'non détecté', 'Non Detecte'].map(parseResultKind)).toEqual(['ND', 'ND', 'ND']);
    expect(['NQ', '<LQ', '< LQ', 'non quantifié'].map(parseResultKind)).toEqual([
      'NQ',
      'NQ',
      'NQ',
      'NQ',
    ]);
    expect(['Q', 'quantifié', 'QUANTIFIE'].map(parseResultKind)).toEqual(['Q', 'Q', 'Q']);
    expect(parseResultKind('positif')).toBeNull();
    expect(['', 'mg/kg', 'MG/KG', 'µg/kg', 'μg/kg', 'ug/kg'].map(parseUnit)).toEqual([
      'mg/kg',
      'mg/kg',
      'mg/kg',
      'µg/kg',
      'µg/kg',
      'µg/kg',
    ]);
    expect(parseUnit('ppm')).toBeNull();
    expect(['0,05', '0.05', ' 1 234,5 ', '', '1e-3'].map(parseDecimal)).toEqual([
      0.05,
      0.05,
      1234.5,
      null,
      0.001,
    ]);
    expect(['abc', '-1', '1,2,3', '0,05 mg'].map(parseDecimal).every(Number.isNaN)).toBe(true);
    expect(['2026-03-02', '02/03/2026', '2/3/2026', ''].map(parseDate)).toEqual([
      '2026-03-02',
      '2026-03-02',
      '2026-03-02',
      null,
    ]);
    expect(['2026-02-30', '31/04/2026', 'hier'].map(parseDate)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('checking the lines', () => {
  const lab = 'lab-1';
  const target = (id: string, overrides: Partial<AnalysisTarget> = {}): AnalysisTarget => ({
    id,
    copyReference: `ARA-26-0000${id}-A-1`,
    laboratoryId: lab,
    status: 'Analysis',
    hasResults: false,
    matrixCode: 'A01DJ',
    ...overrides,
  });
  const targets = [
    target('1'),
    target('2', { status: 'Sent' }),
    target('3', { status: 'InReview', hasResults: true }),
    target('4', { status: 'NotAdmissible' }),
    target('5', { laboratoryId: 'lab-2' }),
  ];
  const context: ValidationContext = {
    laboratoryId: lab,
    analyses: new Map(targets.map((t) => [t.copyReference, t])),
    substances: new Map([
      ['RF-0087-001-PPP', 'Multi'],
      ['RF-1020-001-PPP', 'Mono'],
    ]),
    mrls: new Map([['RF-0087-001-PPP|A01DJ', { value: 0.01, source: 'Règlement (UE) 2020/1085' }]]),
    today: '2026-06-01',
  };
  const rows = (...cells: Parameters<typeof resultLine>[0][]): RawLine[] =>
    cells.map((c, i) => {
      const values = resultLine(c);
      return {
        line: i + 2,
        fields: Object.fromEntries(header.map((h, j) => [h, values[j] ?? ''])) as RawLine['fields'],
      };
    });

  it('builds each analysis’s results from its lines, in file order', () => {
    const result = validateImportLines(
      rows(
        { reference: 'ARA-26-00001', substance: 'rf-1020-001-ppp', kind: 'NQ', loq: '0,05' },
        {
          reference: 'ARA-26-00001-A-1',
          kind: 'Q',
          value: '0,005',
          loq: '0,001',
          uncertainty: '30',
          comment: 'ok',
          date: '01/03/2026',
        },
      ),
      context,
    );
    expect(result.counts).toEqual({ Write: 2, Warning: 0, Error: 0 });
    expect(result.lines.map((l) => [l.copyReference, l.substanceCode, l.kind, l.outcome])).toEqual([
      ['ARA-26-00001-A-1', 'RF-1020-001-PPP', 'NQ', 'Write'],
      ['ARA-26-00001-A-1', 'RF-0087-001-PPP', 'Q', 'Write'],
    ]);
    expect(result.entries).toEqual([
      {
        analysisId: '1',
        content: {
          analysedAt: '2026-03-02',
          methods: ['Mono', 'Multi'],
          notes: '',
          residues: [
            expect.objectContaining({
              substanceCode: 'RF-1020-001-PPP',
              kind: 'NQ',
              value: null,
              loq: 0.05,
            }),
            expect.objectContaining({
              substanceCode: 'RF-0087-001-PPP',
              kind: 'Q',
              value: 0.005,
              unit: 'mg/kg',
              loq: 0.001,
              mrl: null,
              uncertaintyPercent: 30,
              notes: 'ok',
            }),
          ],
        },
        existing: false,
      },
    ]);
    expect(result.existingCount).toBe(0);
  });

  it('puts in error what cannot be written, with a French message', () => {
    const result = validateImportLines(
      rows(
        { reference: '' },
        { reference: 'ARA-26-42' },
        { reference: 'ARA-26-00009' },
        { reference: 'ARA-26-00005' },
        { reference: 'ARA-26-00004' },
        { reference: 'ARA-26-00001', substance: 'RF-9999-999-PPP' },
        { reference: 'ARA-26-00001', kind: 'positif' },
        { reference: 'ARA-26-00001', kind: 'Q', value: 'beaucoup' },
        { reference: 'ARA-26-00001', kind: 'Q', value: '' },
        {
          reference: 'ARA-26-00001',
          substance: 'RF-1020-001-PPP',
          kind: 'Q',
          value: '0,001',
          loq: '0,01',
        },
        { reference: 'ARA-26-00001', unit: 'ppm' },
        { reference: 'ARA-26-00001', date: '2026-13-01' },
        { reference: 'ARA-26-00001', date: '2027-01-01' },
        { reference: 'ARA-26-00001', uncertainty: '150' },
        { reference: 'ARA-26-00001', kind: 'Q', value: '2000000' },
      ),
      context,
    );
    const messages = result.lines.map((l) => [l.line, l.outcome, l.messages.join(' ')]);
    expect(
      messages.every(([, outcome]) => outcome === 'Error'),
      JSON.stringify(messages),
    ).toBe(true);
    const text = messages.map(([, , m]) => m);
    expect(text[0]).toContain('Référence d’échantillon manquante');
    expect(text[1]).toContain('Référence invalide');
    expect(text[2]).toContain('Échantillon inconnu');
    // another laboratory's sample is unknown to this one
    expect(text[3]).toContain('Échantillon inconnu');
    expect(text[4]).toContain('non recevable');
    expect(text[5]).toContain('Substance inconnue : « RF-9999-999-PPP »');
    expect(text[6]).toContain('Résultat invalide : « positif »');
    expect(text[7]).toContain('Valeur invalide : « beaucoup »');
    expect(text[8]).toContain('Indiquez la valeur mesurée');
    expect(text[9]).toContain('inférieure à la limite de quantification');
    expect(text[10]).toContain('Unité invalide');
    expect(text[11]).toContain('Date d’analyse invalide');
    expect(text[12]).toContain('dans le futur');
    expect(text[13]).toContain('Incertitude invalide');
    expect(text[14]).toContain('Valeur trop grande');
    expect(result.entries).toEqual([]);
  });

  it('refuses a copy × substance twice, naming the first line', () => {
    const result = validateImportLines(
      rows({ reference: 'ARA-26-00001' }, { reference: 'ARA-26-00001-A-1', kind: 'NQ' }),
      context,
    );
    expect(result.lines[0]?.outcome).toBe('Write');
    expect(result.lines[1]?.outcome).toBe('Error');
    expect(result.lines[1]?.messages[0]).toContain('déjà indiquée ligne 2');
  });

  it('warns: not received yet, results already present, non-compliant, value of a non-Q ignored', () => {
    const result = validateImportLines(
      rows(
        { reference: 'ARA-26-00002' },
        { reference: 'ARA-26-00003' },
        // 0.05 mg/kg − 50 % = 0.025 > 0.01: non-compliant
        { reference: 'ARA-26-00001', kind: 'Q', value: '0,05' },
        // 15 µg/kg = 0.015 mg/kg, within the uncertainty: compliant, no warning
        {
          reference: 'ARA-26-00001',
          substance: 'RF-1020-001-PPP',
          kind: 'Q',
          value: '15',
          unit: 'ug/kg',
          loq: '10',
        },
      ),
      context,
    );
    expect(result.lines.map((l) => l.outcome)).toEqual(['Warning', 'Warning', 'Warning', 'Write']);
    expect(result.lines[0]?.messages).toEqual([
      'Échantillon pas encore réceptionné : la réception sera enregistrée à la date de l’import.',
    ]);
    expect(result.lines[1]).toMatchObject({ existing: true });
    expect(result.lines[1]?.messages[0]).toContain('déjà présents');
    expect(result.lines[2]?.messages[0]).toContain('Non conforme au vu de la LMR');
    expect(result.lines[2]?.messages[0]).toContain('0,025 mg/kg');
    expect(result.existingCount).toBe(1);
    expect(result.entries.map((e) => e.analysisId)).toEqual(['2', '3', '1']);

    const ignored = validateImportLines(
      rows({ reference: 'ARA-26-00001', kind: 'ND', value: '0,01' }),
      context,
    );
    expect(ignored.lines[0]).toMatchObject({ outcome: 'Warning' });
    expect(ignored.entries[0]?.content.residues[0]).toMatchObject({ kind: 'ND', value: null });
  });

  it('uses the MRL the laboratory gives over the referential’s', () => {
    const result = validateImportLines(
      rows({ reference: 'ARA-26-00001', kind: 'Q', value: '0,05', mrl: '0,5' }),
      context,
    );
    expect(result.lines[0]?.outcome).toBe('Write');
  });
});
