import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LaboratorySeedList } from '@maestro/shared/referential';
import { ImportColumns } from '@maestro/shared/schema';
import ExcelJS from 'exceljs';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, parseCsv } from '../test/files';
import { request as http, useTestApp } from '../test/testApp';
import { analysisExportBatches, analysisExportColumns } from './export';
import { insertSentSamples, resultLine, type SentSample } from './import/testData';

/** The result import keeps its file: the app's files go to a folder of this test. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'maestro-analysis-export-'));
const t = useTestApp({ DATA_DIR: dataDir });
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const labA = LaboratorySeedList[0]!;
const labB = LaboratorySeedList[1]!;
const GLYPHOSATE = 'RF-1020-001-PPP';
const ACETAMIPRID = 'RF-0014-001-PPP';
const CHLORPYRIFOS = 'RF-0087-001-PPP';
const headers = analysisExportColumns.map((c) => c.header);

type Agent = request.Agent;
let labAgent: Agent;
let labBAgent: Agent;
let national: Agent;
let regional: Agent;
let otherRegion: Agent;
let labBToken = '';
/** Laboratory A: non-compliant (value 3 × MRL), within the uncertainty, without results. */
let nonCompliant: SentSample;
let withinUncertainty: SentSample;
let waiting: SentSample;
/** Laboratory B, without results. */
let elsewhere: SentSample;
let importId = '';

const exportOf = (agent: Agent, query: string) =>
  agent.get(`/api/analyses/export?${query}`).buffer(true).parse(binary);

type Row = Record<string, string>;

/** The CSV rows as header → cell, after checking the file's conventions. */
async function csv(agent: Agent, query = ''): Promise<Row[]> {
  const response = await exportOf(agent, `format=csv&${query}`);
  expect(response.status, String(response.body)).toBe(200);
  return csvRows(response);
}

function csvRows(response: request.Response): Row[] {
  expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(response.headers['content-disposition']).toMatch(
    /^attachment; filename="resultats-analyses-\d{4}-\d{2}-\d{2}\.csv"$/,
  );
  const bytes = response.body as Buffer;
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [head, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
  expect(head).toEqual(headers);
  return rows.map((row) => {
    expect(row).toHaveLength(headers.length);
    return Object.fromEntries(headers.map((h, i) => [h, row[i] ?? '']));
  });
}

const copies = (rows: Row[]) => [...new Set(rows.map((r) => r['Référence exemplaire']))].sort();

beforeAll(async () => {
  labAgent = (await t.loginAs('LaboratoryUser', { laboratoryId: labA.id })).agent;
  labBAgent = (await t.loginAs('LaboratoryUser', { laboratoryId: labB.id })).agent;
  national = (await t.loginAs('NationalObserver')).agent;
  regional = (await t.loginAs('RegionalCoordinator', { regionCode: '84' })).agent;
  otherRegion = (await t.loginAs('RegionalCoordinator', { regionCode: '11' })).agent;
  const admin = (await t.loginAs('Administrator')).agent;
  const samplerId = (await t.insertUser('Sampler', { regionCode: '84', departmentCode: '69' })).id;

  [nonCompliant, withinUncertainty, waiting] = (await insertSentSamples(t.db, {
    laboratoryId: labA.id,
    samplerId,
    count: 3,
  })) as [SentSample, SentSample, SentSample];
  [elsewhere] = (await insertSentSamples(t.db, {
    laboratoryId: labB.id,
    samplerId,
    count: 1,
  })) as [SentSample];

  // The results come in by a file: the versions keep the import that wrote them.
  const file = [
    ImportColumns.join(';'),
    resultLine({
      reference: nonCompliant.copyReference,
      substance: GLYPHOSATE,
      kind: 'Q',
      value: '0,3',
      loq: '0,01',
      mrl: '0,1',
    }).join(';'),
    resultLine({ reference: nonCompliant.copyReference, substance: CHLORPYRIFOS }).join(';'),
    resultLine({
      reference: withinUncertainty.copyReference,
      substance: ACETAMIPRID,
      kind: 'Q',
      value: '15',
      unit: 'µg/kg',
      loq: '5',
      mrl: '0,01',
    }).join(';'),
  ].join('\r\n');
  const preview = await labAgent
    .post('/api/analysis-imports?fileName=resultats.csv')
    .set('Content-Type', 'text/csv')
    .send(Buffer.from(file));
  expect(preview.status, JSON.stringify(preview.body)).toBe(201);
  importId = preview.body.id;
  const committed = await labAgent
    .post(`/api/analysis-imports/${importId}/commit`)
    .send({ existing: 'Keep' });
  expect(committed.status, JSON.stringify(committed.body)).toBe(200);

  // The coordinator holds the slight exceedance non-compliant, with a comment.
  const analysis = await regional.get(`/api/analyses/${withinUncertainty.analysisId}`).expect(200);
  const reviewed = await regional
    .post(`/api/analyses/${withinUncertainty.analysisId}/review`)
    .send({
      version: analysis.body.version,
      decision: 'Override',
      compliant: false,
      comment: 'Dépassement retenu; voir "note" =SOMME(A1)',
    });
  expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(200);

  const token = await admin
    .post(`/api/laboratories/${labB.id}/tokens`)
    .send({ name: 'LIMS export' })
    .expect(201);
  labBToken = token.body.token;
});

describe('GET /api/analyses/export', () => {
  it('writes one row per residue of the current results, with the verdict explained', async () => {
    const rows = await csv(national);
    expect(copies(rows)).toEqual(
      [nonCompliant, withinUncertainty, waiting, elsewhere].map((s) => s.copyReference).sort(),
    );
    const glyphosate = rows.find((r) => r['Substance (code)'] === GLYPHOSATE);
    expect(glyphosate).toEqual({
      'Référence prélèvement': nonCompliant.reference,
      'Référence exemplaire': nonCompliant.copyReference,
      'Contre-analyse': 'non',
      Laboratoire: labA.shortName,
      Région: 'Auvergne-Rhône-Alpes',
      'Département (code)': '69',
      Département: 'Rhône',
      'Matrice (code)': 'A01DJ',
      Matrice: 'Pommes',
      'Date de prélèvement': expect.stringMatching(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/),
      Statut: 'À valider',
      'Date de réception': expect.stringMatching(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/),
      'Date d’analyse': '02/03/2026',
      'Version des résultats': '1',
      Source: 'Import de fichier',
      Substance: 'Glyphosate',
      'Substance (code)': GLYPHOSATE,
      Résultat: 'Quantifié',
      Valeur: '0,3',
      Unité: 'mg/kg',
      LQ: '0,01',
      'Valeur (mg/kg)': '0,3',
      'Incertitude (%)': '50',
      'Valeur − U (mg/kg)': '0,15',
      'LMR (mg/kg)': '0,1',
      'Source de la LMR': 'LMR indiquée par le laboratoire',
      'LMR par défaut': 'non',
      'Marge (mg/kg)': '0,05',
      Règle: 'Valeur − U > LMR',
      'Verdict du résidu': 'Non conforme',
      Explication:
        'Valeur mesurée 0,3 mg/kg, incertitude élargie 50 % : valeur − U = 0,15 mg/kg, comparée à la LMR 0,1 mg/kg (LMR indiquée par le laboratoire) (marge 0,05 mg/kg). Même après déduction de l’incertitude, la LMR est dépassée de 0,05 mg/kg : non conforme.',
      'Verdict de l’analyse': 'Non conforme',
      'Verdict corrigé par le coordinateur': 'non',
      'Commentaire du coordinateur': '',
    });

    // the not-detected residue of the same analysis: no value, the default MRL for want of one
    const chlorpyrifos = rows.find((r) => r['Substance (code)'] === CHLORPYRIFOS);
    expect(chlorpyrifos).toMatchObject({
      'Référence exemplaire': nonCompliant.copyReference,
      Résultat: 'Non détecté',
      Valeur: '',
      'Valeur (mg/kg)': '',
      'Valeur − U (mg/kg)': '',
      'Marge (mg/kg)': '',
      Règle: 'Non détecté',
      'Verdict du résidu': 'Conforme',
      'Verdict de l’analyse': 'Non conforme',
    });
    expect(chlorpyrifos?.['LMR (mg/kg)']).not.toBe('');
  });

  it('converts to mg/kg, writes a negative margin as a number, and the coordinator’s correction', async () => {
    const rows = await csv(national, `reference=${withinUncertainty.reference}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      'Substance (code)': ACETAMIPRID,
      Valeur: '15',
      Unité: 'µg/kg',
      LQ: '5',
      'Valeur (mg/kg)': '0,015',
      'Valeur − U (mg/kg)': '0,0075',
      'LMR (mg/kg)': '0,01',
      // a number, not a text that a spreadsheet would take for a formula
      'Marge (mg/kg)': '-0,0025',
      Règle: 'Valeur > LMR, mais valeur − U ≤ LMR',
      'Verdict du résidu': 'Conforme — dépassement non significatif',
      Statut: 'Terminée',
      'Verdict de l’analyse': 'Non conforme',
      'Verdict corrigé par le coordinateur': 'oui',
      // the comment stays text, never a formula
      'Commentaire du coordinateur': 'Dépassement retenu; voir "note" =SOMME(A1)',
    });
  });

  it('writes one row with empty residue columns for an analysis without results', async () => {
    const rows = await csv(national, `reference=${waiting.copyReference}`);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      'Référence exemplaire': waiting.copyReference,
      Statut: 'À réceptionner',
      Laboratoire: labA.shortName,
      'Date de réception': '',
      'Version des résultats': '',
      Source: '',
      'Verdict de l’analyse': '',
      'Verdict corrigé par le coordinateur': 'non',
    });
    for (const header of headers.slice(headers.indexOf('Substance (code)'), -3))
      expect(row[header], header).toBe('');
  });

  it('answers the list’s filters', async () => {
    const nonCompliantOnly = await csv(national, 'compliant=false');
    expect(copies(nonCompliantOnly)).toEqual(
      [nonCompliant.copyReference, withinUncertainty.copyReference].sort(),
    );
    const sent = await csv(national, 'status=Sent');
    expect(copies(sent)).toEqual([waiting.copyReference, elsewhere.copyReference].sort());
    const ofB = await csv(national, `laboratoryId=${labB.id}`);
    expect(copies(ofB)).toEqual([elsewhere.copyReference]);
  });

  it('exports only what the user may see', async () => {
    const ofA = await csv(labAgent);
    expect(copies(ofA)).toEqual(
      [nonCompliant, withinUncertainty, waiting].map((s) => s.copyReference).sort(),
    );
    // a laboratory never gets another's rows, even when it asks for them
    const ofB = await csv(labBAgent, `laboratoryId=${labA.id}`);
    expect(ofB).toEqual([]);
    expect(copies(await csv(labBAgent))).toEqual([elsewhere.copyReference]);
    // the laboratory's API token, the same
    const byToken = csvRows(
      await http(t.app)
        .get('/api/analyses/export?format=csv')
        .set('Authorization', `Bearer ${labBToken}`)
        .buffer(true)
        .parse(binary)
        .expect(200),
    );
    expect(copies(byToken)).toEqual([elsewhere.copyReference]);
    // a region sees its own; another region none
    expect(copies(await csv(regional))).toHaveLength(4);
    expect(await csv(otherRegion)).toEqual([]);
    expect(await csv(otherRegion, 'regionCode=84')).toEqual([]);
  });

  it('writes the same rows in XLSX, numbers as numbers', async () => {
    const response = await exportOf(
      national,
      `format=xlsx&reference=${nonCompliant.reference}`,
    ).expect(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="resultats-analyses-\d{4}-\d{2}-\d{2}\.xlsx"$/,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body);
    const sheet = workbook.getWorksheet('Résultats')!;
    const values: unknown[][] = [];
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    expect(values[0]).toEqual(headers);
    expect(values).toHaveLength(3);
    const glyphosate = values
      .slice(1)
      .map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i] ?? null])))
      .find((row) => row['Substance (code)'] === GLYPHOSATE);
    expect(glyphosate).toMatchObject({
      'Référence exemplaire': nonCompliant.copyReference,
      'Version des résultats': 1,
      Valeur: 0.3,
      LQ: 0.01,
      'Valeur (mg/kg)': 0.3,
      'Incertitude (%)': 50,
      'Valeur − U (mg/kg)': 0.15,
      'LMR (mg/kg)': 0.1,
      'Marge (mg/kg)': 0.05,
      'Verdict du résidu': 'Non conforme',
      'Verdict de l’analyse': 'Non conforme',
    });
  });

  it('refuses an unknown format or filter, and answers 401 anonymously', async () => {
    expect((await national.get('/api/analyses/export?format=pdf')).status).toBe(400);
    expect((await national.get('/api/analyses/export')).status).toBe(400);
    expect((await national.get('/api/analyses/export?format=csv&status=Nope')).status).toBe(400);
    expect((await http(t.app).get('/api/analyses/export?format=csv')).status).toBe(401);
  });

  it('reads the rows by batches of a cursor, and closes it', async () => {
    const user = { role: 'NationalObserver', regionCode: null, departmentCode: null } as const;
    const sizes: number[] = [];
    for await (const batch of analysisExportBatches(t.db, { ...user, laboratoryId: null }, {}, 2))
      sizes.push(batch.length);
    expect(sizes).toEqual([2, 2, 1]);
    // leaving early ends the read-only transaction too
    for await (const _ of analysisExportBatches(t.db, { ...user, laboratoryId: null }, {}, 2))
      break;
    await expect
      .poll(
        async () =>
          (
            await t.db.raw(
              "select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'",
            )
          ).rows[0].n,
        { timeout: 5000 },
      )
      .toBe(0);
  });
});

describe('result versions', () => {
  it('name the import that wrote them, and its original file can be downloaded', async () => {
    const versions = await national
      .get(`/api/analyses/${nonCompliant.analysisId}/versions`)
      .expect(200);
    expect(versions.body).toHaveLength(1);
    expect(versions.body[0]).toMatchObject({ resultVersion: 1, source: 'Import', importId });
    const file = await national
      .get(`/api/analysis-imports/${importId}/file`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect((file.body as Buffer).toString('utf8')).toContain(nonCompliant.copyReference);
  });

  it('name no import when the results were typed', async () => {
    const analysis = await labBAgent.get(`/api/analyses/${elsewhere.analysisId}`).expect(200);
    const received = await labBAgent.post(`/api/analyses/${elsewhere.analysisId}/reception`).send({
      version: analysis.body.version,
      receivedAt: new Date().toISOString(),
      sealsIntact: true,
      quantitySufficient: true,
      temperatureCelsius: null,
      notes: '',
    });
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    const saved = await labBAgent.put(`/api/analyses/${elsewhere.analysisId}/results`).send({
      version: received.body.version,
      analysedAt: '2026-03-02',
      methods: ['Multi'],
      notes: '',
      residues: [
        {
          substanceCode: CHLORPYRIFOS,
          kind: 'ND',
          value: null,
          unit: 'mg/kg',
          loq: 0.01,
          mrl: null,
          uncertaintyPercent: null,
          analytes: [],
          notes: '',
          arfdExceeded: null,
          authorisedForUse: null,
          contaminationSources: '',
        },
      ],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const versions = await labBAgent
      .get(`/api/analyses/${elsewhere.analysisId}/versions`)
      .expect(200);
    expect(versions.body[0]).toMatchObject({ resultVersion: 1, source: 'Form', importId: null });
  });
});
