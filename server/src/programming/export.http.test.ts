import {
  LaboratorySeedList,
  MatrixKindList,
  RegionCodeList,
  Regions,
  SubstanceList,
} from '@maestro/shared/referential';
import ExcelJS from 'exceljs';
import type request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { binary, parseCsv } from '../test/files';
import { request as http, useTestApp } from '../test/testApp';

const t = useTestApp();
const unknownId = '7b1d2c1e-9a51-4c3e-8f5e-0d1c2b3a4f50';
const lab = LaboratorySeedList[0]!;
const otherLab = LaboratorySeedList[1]!;
const mono = SubstanceList.find((s) => s.method === 'Mono')!;
const multi = SubstanceList.find((s) => s.method === 'Multi')!;
const [citrus, pomes] = [MatrixKindList[0]!, MatrixKindList[1]!];
const ara = Regions['84']!.name;
const idf = Regions['11']!.name;
const fixedHeaders = [
  'Contexte',
  'Catégorie de matrice (code)',
  'Catégorie de matrice',
  'Stades',
  'Effectif national',
  'Choix du laboratoire',
  'Substances mono-résidu',
  'Substances multi-résidus',
  'Instructions',
];
const regionHeaders = (name: string) => [
  `${name} – effectif`,
  `${name} – laboratoire`,
  `${name} – départements`,
];
const firstInstructions = 'Prélever "en fin" de saison;\nfruits entiers.';

type Agent = request.Agent;
const agents = {} as Record<'national' | 'ara' | 'idf' | 'rhone' | 'lab', Agent>;
let planId = '';
let hiddenPlanId = '';

const exportUrl = (query: string, id = planId) => `/api/programming-plans/${id}/export?${query}`;

async function csv(agent: Agent, query = '') {
  const response = await agent
    .get(exportUrl(`format=csv${query}`))
    .buffer(true)
    .parse(binary)
    .expect(200);
  const bytes = response.body as Buffer;
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  const [headers, ...rows] = parseCsv(text);
  return { response, text, headers: headers!, rows };
}

async function xlsx(agent: Agent, query = '') {
  const response = await agent
    .get(exportUrl(`format=xlsx${query}`))
    .buffer(true)
    .parse(binary)
    .expect(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.body);
  const values = (sheet: ExcelJS.Worksheet) => {
    const out: unknown[][] = [];
    sheet.eachRow((row) => {
      out.push((row.values as unknown[]).slice(1).map((v) => v ?? null));
    });
    return out;
  };
  return { response, workbook, values };
}

/** A row of the grid as a record: header → cell. */
const byHeader = (headers: string[], row: unknown[]) =>
  Object.fromEntries(headers.map((h, i) => [h, row[i] ?? null]));

beforeAll(async () => {
  ({ agent: agents.national } = await t.loginAs('NationalCoordinator'));
  ({ agent: agents.ara } = await t.loginAs('RegionalCoordinator', { regionCode: '84' }));
  ({ agent: agents.idf } = await t.loginAs('RegionalCoordinator', { regionCode: '11' }));
  ({ agent: agents.rhone } = await t.loginAs('DepartmentalCoordinator', {
    regionCode: '84',
    departmentCode: '69',
  }));
  ({ agent: agents.lab } = await t.loginAs('LaboratoryUser'));

  const plan = await agents.national
    .post('/api/programming-plans')
    .send({ year: 2027, kind: 'PPV', distributionKind: 'REGIONAL' })
    .expect(201);
  planId = plan.body.id;
  const first = await agents.national
    .post(`/api/programming-plans/${planId}/prescriptions`)
    .send({
      context: 'Surveillance',
      matrixKindCode: citrus.code,
      stages: ['PRODUCTION_PRIMAIRE_VEGETALE', 'MISE_SUR_LE_MARCHE'],
      sampleCount: 10,
      laboratoryChoice: 'National',
      substances: [
        { substanceCode: mono.code, method: 'Mono' },
        { substanceCode: multi.code, method: 'Multi' },
      ],
      instructions: firstInstructions,
    })
    .expect(201);
  const second = await agents.national
    .post(`/api/programming-plans/${planId}/prescriptions`)
    .send({
      context: 'Control',
      matrixKindCode: pomes.code,
      stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
      sampleCount: 4,
      laboratoryChoice: 'Regional',
      substances: [],
      instructions: '=1+1',
    })
    .expect(201);
  await agents.national
    .put(`/api/programming-plans/${planId}/regions/84`)
    .send({
      lines: [
        { prescriptionId: first.body.id, sampleCount: 6, laboratoryId: lab.id, version: null },
        { prescriptionId: second.body.id, sampleCount: 4, laboratoryId: null, version: null },
      ],
    })
    .expect(200);
  await agents.national
    .put(`/api/programming-plans/${planId}/regions/11`)
    .send({
      lines: [
        { prescriptionId: first.body.id, sampleCount: 4, laboratoryId: otherLab.id, version: null },
      ],
    })
    .expect(200);
  await agents.national
    .post(`/api/programming-plans/${planId}/transitions`)
    .send({ action: 'submitToRegions', version: plan.body.version })
    .expect(200);
  const lines = await t.db('regionalPrescriptions').where({ regionCode: '84' });
  const version = (id: string) => lines.find((l) => l.prescriptionId === id)!.version;
  await agents.ara
    .put(`/api/programming-plans/${planId}/regions/84/departments`)
    .send({
      lines: [
        {
          prescriptionId: first.body.id,
          laboratoryId: lab.id,
          version: version(first.body.id),
          departments: [
            { departmentCode: '69', sampleCount: 4 },
            { departmentCode: '01', sampleCount: 2 },
          ],
        },
        {
          prescriptionId: second.body.id,
          laboratoryId: otherLab.id,
          version: version(second.body.id),
          departments: [{ departmentCode: '69', sampleCount: 4 }],
        },
      ],
    })
    .expect(200);

  const hidden = await agents.national
    .post('/api/programming-plans')
    .send({ year: 2028, kind: 'PPV', distributionKind: 'REGIONAL' })
    .expect(201);
  hiddenPlanId = hidden.body.id;
});

describe('programming export: access', () => {
  it('answers 401 to anonymous callers', async () => {
    await http(t.app).get(exportUrl('format=csv')).expect(401);
  });

  it('answers 400 to a missing or unknown format and to a malformed filter', async () => {
    const bad = await agents.national.get(exportUrl('format=pdf')).expect(400);
    expect(bad.body.issues[0].path).toBe('query.format');
    await agents.national.get(exportUrl('')).expect(400);
    await agents.national.get(exportUrl('format=csv&regionCode=ARA')).expect(400);
    await agents.national.get(exportUrl('format=csv&context=Other')).expect(400);
    await agents.national.get('/api/programming-plans/not-an-id/export?format=csv').expect(400);
  });

  it('answers 403 to a role without the permission and to a region asking for another', async () => {
    await agents.lab.get(exportUrl('format=csv')).expect(403);
    const other = await agents.idf.get(exportUrl('format=xlsx&regionCode=84')).expect(403);
    expect(other.body.message).toMatch(/votre région/);
  });

  it('answers 404 to an unknown plan and to a plan the user may not see yet', async () => {
    await agents.national.get(exportUrl('format=csv', unknownId)).expect(404);
    await agents.ara.get(exportUrl('format=csv', hiddenPlanId)).expect(404);
    await agents.rhone.get(exportUrl('format=xlsx')).expect(404);
    await agents.national.get(exportUrl('format=csv', hiddenPlanId)).expect(200);
  });
});

describe('programming export: CSV', () => {
  it('writes the national grid: BOM, `;`, quoting, CRLF, every region, attachment name', async () => {
    const { response, text, headers, rows } = await csv(agents.national);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="programmation-PPV-2027.csv"',
    );
    expect(response.headers['cache-control']).toBe('no-store');
    expect(text.split('\r\n')[0]).toBe(
      [...fixedHeaders, ...RegionCodeList.flatMap((c) => regionHeaders(Regions[c]!.name))].join(
        ';',
      ),
    );
    expect(headers).toHaveLength(fixedHeaders.length + 3 * RegionCodeList.length);
    expect(rows).toHaveLength(2);
    // the free text with a quote, a `;` and a line break is quoted, quotes doubled
    expect(text).toContain('"Prélever ""en fin"" de saison;\nfruits entiers."');

    const [surveillance, control] = rows.map((row) => byHeader(headers, row));
    expect(surveillance).toMatchObject({
      Contexte: 'Plan de surveillance',
      'Catégorie de matrice (code)': citrus.code,
      'Catégorie de matrice': citrus.label,
      Stades: 'Production primaire végétale, Mise sur le marché',
      'Effectif national': '10',
      'Choix du laboratoire': 'Choisi au niveau national',
      'Substances mono-résidu': mono.label,
      'Substances multi-résidus': multi.label,
      Instructions: firstInstructions,
      [`${ara} – effectif`]: '6',
      [`${ara} – laboratoire`]: lab.shortName,
      [`${ara} – départements`]: '01: 2; 69: 4',
      [`${idf} – effectif`]: '4',
      [`${idf} – laboratoire`]: otherLab.shortName,
      [`${idf} – départements`]: '',
      [`${Regions['93']!.name} – effectif`]: '',
    });
    expect(control).toMatchObject({
      Contexte: 'Plan de contrôle',
      'Catégorie de matrice (code)': pomes.code,
      'Effectif national': '4',
      'Choix du laboratoire': 'Délégué aux régions',
      'Substances mono-résidu': '',
      'Substances multi-résidus': '',
      // a text that a spreadsheet would run as a formula is neutralised
      Instructions: "'=1+1",
      [`${ara} – effectif`]: '4',
      [`${ara} – laboratoire`]: otherLab.shortName,
      [`${ara} – départements`]: '69: 4',
      [`${idf} – effectif`]: '',
    });
  });

  it('applies the screen’s filters: context, matrix kind, region', async () => {
    const control = await csv(agents.national, '&context=Control');
    expect(control.rows.map((r) => r[1])).toEqual([pomes.code]);
    const citrusOnly = await csv(agents.national, `&matrixKindCode=${citrus.code}`);
    expect(citrusOnly.rows.map((r) => r[1])).toEqual([citrus.code]);
    const idfOnly = await csv(agents.national, '&regionCode=11');
    expect(idfOnly.headers).toEqual([...fixedHeaders, ...regionHeaders(idf)]);
    expect(idfOnly.rows.map((r) => byHeader(idfOnly.headers, r)[`${idf} – effectif`])).toEqual([
      '4',
    ]);
  });

  it('gives a region only its own column and its own lines', async () => {
    const own = await csv(agents.ara);
    expect(own.headers).toEqual([...fixedHeaders, ...regionHeaders(ara)]);
    expect(own.rows).toHaveLength(2);
    expect(own.text).not.toContain(idf);

    const other = await csv(agents.idf);
    expect(other.headers).toEqual([...fixedHeaders, ...regionHeaders(idf)]);
    expect(other.rows.map((r) => byHeader(other.headers, r))).toEqual([
      expect.objectContaining({
        'Catégorie de matrice (code)': citrus.code,
        [`${idf} – effectif`]: '4',
        [`${idf} – laboratoire`]: otherLab.shortName,
        [`${idf} – départements`]: '',
      }),
    ]);
    expect(other.text).not.toContain(ara);
    expect(other.text).not.toContain('69: 4');
  });
});

describe('programming export: XLSX', () => {
  it('writes the same grid as the CSV, typed, and the departmental lines on a second sheet', async () => {
    const { response, workbook, values } = await xlsx(agents.national);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="programmation-PPV-2027.xlsx"',
    );
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Prescriptions', 'Départements']);

    const [headers, ...rows] = values(workbook.getWorksheet('Prescriptions')!);
    const fromCsv = await csv(agents.national);
    expect(headers).toEqual(fromCsv.headers);
    expect(rows).toHaveLength(2);
    const [surveillance, control] = rows.map((row) => byHeader(headers as string[], row));
    expect(surveillance).toMatchObject({
      Contexte: 'Plan de surveillance',
      'Catégorie de matrice (code)': citrus.code,
      'Effectif national': 10,
      Instructions: firstInstructions,
      [`${ara} – effectif`]: 6,
      [`${ara} – laboratoire`]: lab.shortName,
      [`${ara} – départements`]: '01: 2; 69: 4',
      [`${idf} – effectif`]: 4,
      [`${idf} – laboratoire`]: otherLab.shortName,
    });
    // a text cell, never a formula: no need to neutralise it
    expect(control!.Instructions).toBe('=1+1');
    const cell = workbook.getWorksheet('Prescriptions')!.getCell(3, 9);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(workbook.getWorksheet('Prescriptions')!.views[0]).toMatchObject({
      state: 'frozen',
      ySplit: 1,
    });

    const departments = values(workbook.getWorksheet('Départements')!);
    expect(departments).toEqual([
      [
        'Contexte',
        'Catégorie de matrice (code)',
        'Catégorie de matrice',
        'Stades',
        'Région',
        'Département (code)',
        'Département',
        'Effectif départemental',
        'Laboratoire',
      ],
      [
        'Plan de surveillance',
        citrus.code,
        citrus.label,
        'Production primaire végétale, Mise sur le marché',
        ara,
        '01',
        'Ain',
        2,
        lab.shortName,
      ],
      [
        'Plan de surveillance',
        citrus.code,
        citrus.label,
        'Production primaire végétale, Mise sur le marché',
        ara,
        '69',
        'Rhône',
        4,
        lab.shortName,
      ],
      [
        'Plan de contrôle',
        pomes.code,
        pomes.label,
        'Production primaire végétale',
        ara,
        '69',
        'Rhône',
        4,
        otherLab.shortName,
      ],
    ]);
  });

  it('gives a region only its own column and lines', async () => {
    const { workbook, values } = await xlsx(agents.idf);
    const [headers, ...rows] = values(workbook.getWorksheet('Prescriptions')!);
    expect(headers).toEqual([...fixedHeaders, ...regionHeaders(idf)]);
    expect(rows).toHaveLength(1);
    expect(byHeader(headers as string[], rows[0]!)[`${idf} – effectif`]).toBe(4);
    expect(values(workbook.getWorksheet('Départements')!)).toHaveLength(1);
  });

  it('gives a department its own share once the plan is validated', async () => {
    let plan = (await agents.national.get(`/api/programming-plans/${planId}`).expect(200)).body;
    for (const agent of [agents.ara, agents.idf]) {
      plan = (
        await agent
          .post(`/api/programming-plans/${planId}/transitions`)
          .send({ action: 'approve', version: plan.version })
          .expect(200)
      ).body;
    }
    await agents.national
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'validate', version: plan.version })
      .expect(200);

    const { workbook, values } = await xlsx(agents.rhone);
    const [headers, ...rows] = values(workbook.getWorksheet('Prescriptions')!);
    expect(headers).toEqual([...fixedHeaders, ...regionHeaders(ara)]);
    expect(rows.map((row) => byHeader(headers as string[], row)[`${ara} – départements`])).toEqual([
      '69: 4',
      '69: 4',
    ]);
    const departments = values(workbook.getWorksheet('Départements')!).slice(1);
    expect(departments.map((row) => row[5])).toEqual(['69', '69']);
    const fromCsv = await csv(agents.rhone);
    expect(fromCsv.text).not.toContain('01: 2');
  });
});
