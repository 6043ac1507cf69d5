import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildPath, contract } from '@maestro/shared/contract';
import { LaboratorySeedList } from '@maestro/shared/referential';
import { IMPORT_MAX_BYTES, ImportColumns } from '@maestro/shared/schema';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { binary } from '../../test/files';
import { request, useTestApp } from '../../test/testApp';
import { insertSentSamples, resultLine, type SentSample } from './testData';
import { XLSX_MAX_UNZIPPED_BYTES } from './zipGuard';
import { zipArchive } from './zipTestData';

const t = useTestApp();
const labA = LaboratorySeedList[0]!;
const labB = LaboratorySeedList[1]!;
const header = [...ImportColumns];
const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let lab: request.Agent;
let labUserId = '';
let otherLab: request.Agent;
let national: request.Agent;
let regional: request.Agent;
let admin: request.Agent;
let samplerId = '';

beforeAll(async () => {
  const l = await t.loginAs('LaboratoryUser', { laboratoryId: labA.id });
  lab = l.agent;
  labUserId = l.user.id;
  otherLab = (await t.loginAs('LaboratoryUser', { laboratoryId: labB.id })).agent;
  national = (await t.loginAs('NationalCoordinator')).agent;
  regional = (await t.loginAs('RegionalCoordinator', { regionCode: '84' })).agent;
  admin = (await t.loginAs('Administrator')).agent;
  samplerId = (await t.insertUser('Sampler', { regionCode: '84', departmentCode: '69' })).id;
});

const sent = (count: number, status: 'Sent' | 'Analysis' = 'Sent', laboratoryId = labA.id) =>
  insertSentSamples(t.db, { laboratoryId, samplerId, count, status });

const csv = (lines: string[][], delimiter = ';') =>
  [header, ...lines].map((cells) => cells.join(delimiter)).join('\r\n');

function preview(
  agent: request.Agent | request.SuperTest<request.Test>,
  content: Buffer,
  options: {
    type?: string;
    fileName?: string;
    encoding?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const query = new URLSearchParams({ fileName: options.fileName ?? 'resultats.csv' });
  if (options.encoding) query.set('encoding', options.encoding);
  return agent
    .post(`/api/analysis-imports?${query}`)
    .set('Content-Type', options.type ?? CSV)
    .set(options.headers ?? {})
    .send(content);
}

async function previewed(content: Buffer, options: Parameters<typeof preview>[2] = {}) {
  const response = await preview(lab, content, options);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as {
    id: string;
    counts: Record<string, number>;
    lineCount: number;
    status: string;
    encoding: string;
    delimiter: string | null;
    analysisCount: number;
    existingCount: number;
    writtenResidues: number | null;
  };
}

async function linesOf(importId: string, query = '') {
  const response = await lab.get(`/api/analysis-imports/${importId}/lines${query}`).expect(200);
  return response.body as {
    items: {
      line: number;
      outcome: string;
      messages: string[];
      existing: boolean;
      copyReference: string;
    }[];
    total: number;
  };
}

/** What the analyses hold now: a snapshot to compare before and after a refused write. */
async function snapshot(analysisIds: string[]) {
  const [residues, versions, analyses] = await Promise.all([
    t.db('analysisResidues').whereIn('analysisId', analysisIds).count({ n: '*' }).first(),
    t.db('analysisResultVersions').whereIn('analysisId', analysisIds).count({ n: '*' }).first(),
    t
      .db('analyses')
      .whereIn('id', analysisIds)
      .orderBy('id')
      .select('id', 'status', 'version', 'resultVersion', 'receivedAt'),
  ]);
  return { residues: residues?.n, versions: versions?.n, analyses };
}

const ids = (samples: SentSample[]) => samples.map((s) => s.analysisId);

describe('access to the import routes', () => {
  const importRoutes = Object.entries(contract).filter(([, spec]) =>
    spec.path.startsWith('/api/analysis-imports'),
  );

  it.each(importRoutes)('%s answers 401 to an anonymous call', async (_, spec) => {
    const url = buildPath(spec.path, { importId: randomUUID() });
    const response = await request(t.app)
      [spec.method](url)
      .send(spec.method === 'get' ? undefined : {});
    expect(response.status).toBe(401);
  });

  it('answers 403 to roles that do not import (preview, commit, template)', async () => {
    for (const agent of [national, regional, admin]) {
      await preview(agent, Buffer.from(csv([]))).expect(403);
      await agent
        .post(`/api/analysis-imports/${randomUUID()}/commit`)
        .send({ existing: 'Keep' })
        .expect(403);
      await agent.get('/api/analysis-imports/template').expect(403);
    }
    expect(await t.db('analysisImports').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('answers 404 for an unknown import', async () => {
    const id = randomUUID();
    await lab.get(`/api/analysis-imports/${id}`).expect(404);
    await lab.get(`/api/analysis-imports/${id}/lines`).expect(404);
    await lab.get(`/api/analysis-imports/${id}/file`).expect(404);
    await lab.post(`/api/analysis-imports/${id}/commit`).send({ existing: 'Keep' }).expect(404);
  });

  it('answers 415 for a file type that is neither CSV nor XLSX', async () => {
    const response = await preview(lab, Buffer.from('%PDF-1.7'), { type: 'application/pdf' });
    expect(response.status).toBe(415);
  });

  it('answers 413 for a file over the size limit, counted as it streams', async () => {
    const big = Buffer.alloc(IMPORT_MAX_BYTES + 1, 'a');
    const response = await preview(lab, big);
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({
      error: 'PayloadTooLarge',
      message: 'Le fichier dépasse la taille maximale de 20 Mo.',
    });
    expect(await t.db('analysisImports').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('answers 413 for a small workbook that would unzip beyond the limit (zip bomb)', async () => {
    const bomb = zipArchive([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(XLSX_MAX_UNZIPPED_BYTES + 1, 0x20) },
    ]);
    expect(bomb.length).toBeLessThan(IMPORT_MAX_BYTES / 100);
    const response = await preview(lab, bomb, {
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: 'PayloadTooLarge' });
    expect(response.body.message).toContain('décompressé dépasse 64 Mo');
    expect(await t.db('analysisImports').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('counts the bytes of an upload without a declared length (413)', async () => {
    const created = await admin
      .post(`/api/laboratories/${labA.id}/tokens`)
      .send({ name: 'LIMS volumineux' })
      .expect(201);
    const server = t.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/analysis-imports?fileName=enorme.csv',
            headers: {
              'Content-Type': CSV,
              'Transfer-Encoding': 'chunked',
              Authorization: `Bearer ${created.body.token}`,
            },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        const chunk = Buffer.alloc(1024 * 1024, 'a');
        let written = 0;
        const write = () => {
          while (written <= IMPORT_MAX_BYTES) {
            written += chunk.length;
            if (!req.write(chunk)) {
              req.once('drain', write);
              return;
            }
          }
          req.end();
        };
        write();
      });
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body)).toMatchObject({
        error: 'PayloadTooLarge',
        message: 'Le fichier dépasse la taille maximale de 20 Mo.',
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
    expect(await t.db('analysisImports').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('answers 400 naming a missing column, and for an invalid query', async () => {
    const response = await preview(
      lab,
      Buffer.from('reference_echantillon;resultat\nARA-26-00001;ND\n'),
    );
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('code_substance');
    await lab
      .post('/api/analysis-imports?fileName=a.csv&encoding=latin9')
      .set('Content-Type', CSV)
      .send(Buffer.from(csv([])))
      .expect(400);
    await lab
      .post(`/api/analysis-imports/${randomUUID()}/commit`)
      .send({ existing: 'Both' })
      .expect(400);
  });
});

describe('importing results', () => {
  it('reads a windows-1252 CSV with `;` and decimal commas, previews, then writes it', async () => {
    const samples = await sent(2);
    const [a, b] = samples as [SentSample, SentSample];
    const text = csv([
      resultLine({
        reference: a.copyReference,
        kind: 'Q',
        value: '0,005',
        loq: '0,001',
        comment: "Résidu à l'état de trace",
      }),
      resultLine({
        reference: a.reference,
        substance: 'RF-1020-001-PPP',
        kind: 'non détecté',
        loq: '0,05',
      }),
      resultLine({ reference: b.copyReference, kind: '< LQ', date: '03/03/2026' }),
    ]);
    const content = Buffer.from(text, 'latin1');
    expect(content.includes(Buffer.from('é', 'utf8'))).toBe(false);
    const before = await snapshot(ids(samples));
    const summary = await previewed(content, { fileName: 'résultats mars.csv' });
    expect(summary).toMatchObject({
      status: 'Previewed',
      encoding: 'windows-1252',
      delimiter: ';',
      lineCount: 3,
      // both samples are not received yet
      counts: { Write: 0, Warning: 3, Error: 0 },
      analysisCount: 2,
      existingCount: 0,
      writtenResidues: null,
    });
    // nothing of the results is written by a preview
    expect(await snapshot(ids(samples))).toEqual(before);
    const row = await t.db('analysisImports').where({ id: summary.id }).first();
    expect(row).toMatchObject({ createdBy: labUserId, labTokenId: null, laboratoryId: labA.id });

    const lines = await linesOf(summary.id);
    expect(lines.total).toBe(3);
    expect(lines.items[0]).toMatchObject({
      line: 2,
      copyReference: a.copyReference,
      substanceCode: 'RF-0087-001-PPP',
      kind: 'Q',
      value: '0,005',
      outcome: 'Warning',
      existing: false,
    });
    expect(lines.items[0]).not.toHaveProperty('fields');
    expect(lines.items[1]?.copyReference).toBe(a.copyReference);
    expect(lines.items[0]?.messages[0]).toContain(
      'la réception sera enregistrée à la date de l’import',
    );
    expect((await linesOf(summary.id, '?outcome=Write')).items).toEqual([]);
    const page2 = await linesOf(summary.id, '?perPage=2&page=2');
    expect(page2.items.map((l) => l.line)).toEqual([4]);
    expect(page2.total).toBe(3);

    const committed = await lab
      .post(`/api/analysis-imports/${summary.id}/commit`)
      .send({ existing: 'Keep' });
    expect(committed.status, JSON.stringify(committed.body)).toBe(200);
    expect(committed.body).toMatchObject({ status: 'Committed', writtenResidues: 3 });
    expect(committed.body.committedAt).not.toBeNull();

    const residues = await t
      .db('analysisResidues')
      .where({ analysisId: a.analysisId, resultVersion: 1 })
      .orderBy('residueNumber');
    expect(residues.map((r) => [r.substanceCode, r.kind, r.value, r.loq, r.notes])).toEqual([
      ['RF-0087-001-PPP', 'Q', 0.005, 0.001, "Résidu à l'état de trace"],
      ['RF-1020-001-PPP', 'ND', null, 0.05, ''],
    ]);
    const version = await t
      .db('analysisResultVersions')
      .where({ analysisId: a.analysisId, resultVersion: 1 })
      .first();
    expect(version).toMatchObject({ source: 'Import', importId: summary.id });
    const analysisA = await t.db('analyses').where({ id: a.analysisId }).first();
    expect(analysisA.receivedAt).not.toBeNull();
    expect(analysisA.analysedAt).toBe('2026-03-02');
    expect(analysisA.methods.sort()).toEqual(['Mono', 'Multi']);
    expect(['InReview', 'Completed']).toContain(analysisA.status);
    const finalRow = await t.db('analysisImports').where({ id: summary.id }).first();
    expect(finalRow).toMatchObject({
      status: 'Committed',
      existingChoice: 'Keep',
      writtenResidues: 3,
    });
    const audit = await t
      .db('auditEvents')
      .where({ entity: 'analysisImport', entityId: summary.id });
    expect(audit.map((e) => e.action).sort()).toEqual(['commit', 'preview']);

    // the original file, byte for byte
    const file = await lab
      .get(`/api/analysis-imports/${summary.id}/file`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(Buffer.compare(file.body as Buffer, content)).toBe(0);
    expect(file.headers['content-disposition']).toContain(
      "filename*=UTF-8''r%C3%A9sultats%20mars.csv",
    );

    const again = await lab
      .post(`/api/analysis-imports/${summary.id}/commit`)
      .send({ existing: 'Keep' });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('Cet import a déjà été écrit.');
  });

  it('reads UTF-8 with a BOM, a comma-separated file and an XLSX workbook', async () => {
    const samples = await sent(3, 'Analysis');
    const [a, b, c] = samples as [SentSample, SentSample, SentSample];
    const bom = await previewed(
      Buffer.from(
        `\uFEFF${csv([resultLine({ reference: a.copyReference, comment: 'Contrôle qualité' })])}`,
      ),
    );
    expect(bom).toMatchObject({ encoding: 'utf-8', delimiter: ';', counts: { Write: 1 } });
    const comma = await previewed(
      Buffer.from(
        csv(
          [resultLine({ reference: b.copyReference, kind: 'Q', value: '0.004', loq: '0.001' })],
          ',',
        ),
      ),
    );
    expect(comma).toMatchObject({ delimiter: ',', counts: { Write: 1 } });

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Résultats');
    sheet.addRow(header);
    sheet.addRow([
      c.copyReference,
      'RF-0087-001-PPP',
      'Q',
      0.008,
      'mg/kg',
      0.001,
      null,
      25,
      new Date(Date.UTC(2026, 2, 4)),
      'classeur',
    ]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    // declared as CSV: the content decides
    const fromXlsx = await previewed(xlsx, { fileName: 'resultats.xlsx', type: 'text/csv' });
    expect(fromXlsx).toMatchObject({ encoding: 'xlsx', delimiter: null, counts: { Write: 1 } });
    const declared = await previewed(xlsx, { fileName: 'resultats.xlsx', type: XLSX });
    expect(declared.counts).toEqual({ Write: 1, Warning: 0, Error: 0 });

    for (const id of [bom.id, comma.id, fromXlsx.id]) {
      const response = await lab
        .post(`/api/analysis-imports/${id}/commit`)
        .send({ existing: 'Keep' });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    }
    const residue = await t.db('analysisResidues').where({ analysisId: c.analysisId }).first();
    expect(residue).toMatchObject({
      kind: 'Q',
      value: 0.008,
      loq: 0.001,
      uncertaintyPercent: 25,
      notes: 'classeur',
    });
    expect((await t.db('analyses').where({ id: c.analysisId }).first()).analysedAt).toBe(
      '2026-03-04',
    );
    const stored = await lab
      .get(`/api/analysis-imports/${fromXlsx.id}/file`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(stored.headers['content-type']).toContain(XLSX);
    // the second upload of the workbook now finds results present
    const late = await lab
      .post(`/api/analysis-imports/${declared.id}/commit`)
      .send({ existing: 'Keep' });
    expect(late.status, JSON.stringify(late.body)).toBe(200);
    expect(late.body).toMatchObject({ writtenResidues: 0, existingCount: 1 });
  });

  it('writes nothing when a line is in error (409 naming it)', async () => {
    const samples = await sent(2, 'Analysis');
    const [a, b] = samples as [SentSample, SentSample];
    const summary = await previewed(
      Buffer.from(
        csv([
          resultLine({ reference: a.copyReference }),
          resultLine({ reference: b.copyReference, substance: 'RF-9999-999-PPP' }),
          resultLine({ reference: b.copyReference, kind: 'Q', value: '' }),
        ]),
      ),
    );
    expect(summary.counts).toEqual({ Write: 1, Warning: 0, Error: 2 });
    const errors = await linesOf(summary.id, '?outcome=Error');
    expect(errors.total).toBe(2);
    expect(errors.items.map((l) => l.line)).toEqual([3, 4]);
    expect(errors.items[0]?.messages).toEqual([
      'Substance inconnue : « RF-9999-999-PPP » (code SSD2 attendu).',
    ]);

    const before = await snapshot(ids(samples));
    const refused = await lab
      .post(`/api/analysis-imports/${summary.id}/commit`)
      .send({ existing: 'Replace' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('Corrigez les lignes en erreur (lignes 3, 4)');
    expect(refused.body.issues.map((i: { path: string }) => i.path)).toEqual([
      'lines.3',
      'lines.4',
    ]);
    expect(await snapshot(ids(samples))).toEqual(before);
    expect((await t.db('analysisImports').where({ id: summary.id }).first()).status).toBe(
      'Previewed',
    );
  });

  it('checks the lines again at the commit: a change since the preview refuses it all', async () => {
    const samples = await sent(2, 'Analysis');
    const [a, b] = samples as [SentSample, SentSample];
    const summary = await previewed(
      Buffer.from(
        csv([
          resultLine({ reference: a.copyReference }),
          resultLine({ reference: b.copyReference }),
        ]),
      ),
    );
    expect(summary.counts.Error).toBe(0);
    await t.db('analyses').where({ id: b.analysisId }).update({ status: 'NotAdmissible' });
    const before = await snapshot(ids(samples));
    const refused = await lab
      .post(`/api/analysis-imports/${summary.id}/commit`)
      .send({ existing: 'Keep' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('la ligne 3 est maintenant en erreur');
    expect(refused.body.issues[0].message).toContain('non recevable');
    expect(await snapshot(ids(samples))).toEqual(before);
  });

  it('warns of a result beyond the MRL, and writes it', async () => {
    const [a] = (await sent(1, 'Analysis')) as [SentSample];
    const summary = await previewed(
      Buffer.from(
        csv([resultLine({ reference: a.copyReference, kind: 'Q', value: '0,05', loq: '0,01' })]),
      ),
    );
    expect(summary.counts).toEqual({ Write: 0, Warning: 1, Error: 0 });
    const [line] = (await linesOf(summary.id)).items;
    expect(line?.messages[0]).toContain('Non conforme au vu de la LMR');
    await lab
      .post(`/api/analysis-imports/${summary.id}/commit`)
      .send({ existing: 'Keep' })
      .expect(200);
    const analysis = await t.db('analyses').where({ id: a.analysisId }).first();
    expect(analysis).toMatchObject({ status: 'InReview', computedCompliant: false });
  });

  it('does not duplicate results: the same file twice keeps (0 written) or replaces (version 2)', async () => {
    const samples = await sent(2, 'Analysis');
    const [a, b] = samples as [SentSample, SentSample];
    const content = Buffer.from(
      csv([
        resultLine({ reference: a.copyReference, kind: 'Q', value: '0,004', loq: '0,001' }),
        resultLine({ reference: b.copyReference, kind: 'NQ' }),
        resultLine({ reference: b.copyReference, substance: 'RF-1020-001-PPP' }),
      ]),
    );
    const first = await previewed(content);
    const second = await previewed(content);
    const third = await previewed(content);
    expect(first).toMatchObject({ existingCount: 0, counts: { Write: 3 } });
    const written = await lab
      .post(`/api/analysis-imports/${first.id}/commit`)
      .send({ existing: 'Keep' });
    expect(written.body).toMatchObject({ writtenResidues: 3 });
    const afterFirst = await snapshot(ids(samples));
    expect(afterFirst.residues).toBe(3);

    // the second upload, previewed before the first was written, is checked again at its commit
    const kept = await lab
      .post(`/api/analysis-imports/${second.id}/commit`)
      .send({ existing: 'Keep' });
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    expect(kept.body).toMatchObject({ writtenResidues: 0, existingCount: 2 });
    expect(await snapshot(ids(samples))).toEqual(afterFirst);
    const keptLines = await linesOf(second.id);
    expect(keptLines.items.every((l) => l.existing && l.outcome === 'Warning')).toBe(true);

    const replaced = await lab
      .post(`/api/analysis-imports/${third.id}/commit`)
      .send({ existing: 'Replace' });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body).toMatchObject({ writtenResidues: 3 });
    const versions = await t
      .db('analysisResultVersions')
      .where({ analysisId: a.analysisId })
      .orderBy('resultVersion');
    expect(versions.map((v) => [v.resultVersion, v.source, v.importId])).toEqual([
      [1, 'Import', first.id],
      [2, 'Import', third.id],
    ]);
    expect(versions[1]?.reason).toContain('Import du fichier');
    // version 1's rows are kept beside version 2's
    const rows = await t
      .db('analysisResidues')
      .whereIn('analysisId', ids(samples))
      .select('resultVersion')
      .count({ n: '*' })
      .groupBy('resultVersion')
      .orderBy('resultVersion');
    expect(rows).toEqual([
      { resultVersion: 1, n: 3 },
      { resultVersion: 2, n: 3 },
    ]);
    expect((await t.db('analyses').where({ id: a.analysisId }).first()).resultVersion).toBe(2);
  });

  it('keeps a draft in progress with Keep, replaces it with Replace', async () => {
    const [a] = (await sent(1, 'Analysis')) as [SentSample];
    const fresh = await lab.get(`/api/analyses/${a.analysisId}`).expect(200);
    await lab
      .put(`/api/analyses/${a.analysisId}/results`)
      .send({
        version: fresh.body.version,
        analysedAt: null,
        methods: ['Multi'],
        notes: 'brouillon',
        residues: [],
      })
      .expect(200);
    expect(
      (await t.db('analyses').where({ id: a.analysisId }).first()).resultVersion,
    ).toBeGreaterThan(0);
    const content = Buffer.from(csv([resultLine({ reference: a.copyReference })]));
    const keep = await previewed(content);
    expect(keep).toMatchObject({ existingCount: 1, counts: { Warning: 1 } });
    const before = await snapshot([a.analysisId]);
    const kept = await lab
      .post(`/api/analysis-imports/${keep.id}/commit`)
      .send({ existing: 'Keep' });
    expect(kept.body).toMatchObject({ writtenResidues: 0 });
    expect(await snapshot([a.analysisId])).toEqual(before);
    const replace = await previewed(content);
    const replaced = await lab
      .post(`/api/analysis-imports/${replace.id}/commit`)
      .send({ existing: 'Replace' });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body).toMatchObject({ writtenResidues: 1 });
    expect((await t.db('analyses').where({ id: a.analysisId }).first()).status).toBe('Completed');
  });

  it('keeps each laboratory to its own samples and imports', async () => {
    const [a] = (await sent(1, 'Analysis')) as [SentSample];
    const [b] = (await sent(1, 'Analysis', labB.id)) as [SentSample];
    const summary = await previewed(
      Buffer.from(
        csv([
          resultLine({ reference: a.copyReference }),
          resultLine({ reference: b.copyReference }),
        ]),
      ),
    );
    const lines = await linesOf(summary.id);
    expect(lines.items[1]).toMatchObject({ outcome: 'Error' });
    expect(lines.items[1]?.messages[0]).toContain('non adressé à votre laboratoire');

    for (const agent of [otherLab, regional]) {
      await agent.get(`/api/analysis-imports/${summary.id}`).expect(404);
      await agent.get(`/api/analysis-imports/${summary.id}/lines`).expect(404);
      await agent.get(`/api/analysis-imports/${summary.id}/file`).expect(404);
    }
    await otherLab
      .post(`/api/analysis-imports/${summary.id}/commit`)
      .send({ existing: 'Keep' })
      .expect(404);
    const sampler = (await t.loginAs('Sampler', { regionCode: '84', departmentCode: '69' })).agent;
    await sampler.get(`/api/analysis-imports/${summary.id}`).expect(404);
    // national roles see every import and its file
    for (const agent of [national, admin]) {
      const seen = await agent.get(`/api/analysis-imports/${summary.id}`).expect(200);
      expect(seen.body).toMatchObject({ id: summary.id, laboratoryId: labA.id });
      await agent.get(`/api/analysis-imports/${summary.id}/lines`).expect(200);
      await agent
        .get(`/api/analysis-imports/${summary.id}/file`)
        .buffer(true)
        .parse(binary)
        .expect(200);
    }
    const own = await lab.get(`/api/analysis-imports/${summary.id}`).expect(200);
    expect(own.body).toEqual(summary);
  });

  it('imports with a laboratory token: the import and its audit carry the token', async () => {
    const created = await admin
      .post(`/api/laboratories/${labA.id}/tokens`)
      .send({ name: 'LIMS' })
      .expect(201);
    const auth = { Authorization: `Bearer ${created.body.token}` };
    const [a] = (await sent(1)) as [SentSample];
    const response = await preview(
      request(t.app),
      Buffer.from(csv([resultLine({ reference: a.copyReference })])),
      {
        headers: auth,
      },
    );
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const row = await t.db('analysisImports').where({ id: response.body.id }).first();
    expect(row).toMatchObject({ createdBy: null, labTokenId: created.body.id });
    await request(t.app)
      .get(`/api/analysis-imports/${response.body.id}/lines`)
      .set(auth)
      .expect(200);
    const committed = await request(t.app)
      .post(`/api/analysis-imports/${response.body.id}/commit`)
      .set(auth)
      .send({ existing: 'Keep' });
    expect(committed.status, JSON.stringify(committed.body)).toBe(200);
    expect(committed.body.writtenResidues).toBe(1);
    const audit = await t
      .db('auditEvents')
      .where({ entity: 'analysisImport', entityId: response.body.id });
    expect(audit).toHaveLength(2);
    expect(audit.every((e) => e.labTokenId === created.body.id && e.userId === null)).toBe(true);
    const version = await t
      .db('analysisResultVersions')
      .where({ analysisId: a.analysisId })
      .first();
    expect(version).toMatchObject({ createdBy: null, importId: response.body.id });
    // the original file is not part of the laboratory API
    await request(t.app)
      .get(`/api/analysis-imports/${response.body.id}/file`)
      .set(auth)
      .expect(401);
  });
});

describe('the template', () => {
  it('downloads as CSV (UTF-8 with a BOM, `;`) and as XLSX', async () => {
    const csvFile = await lab
      .get('/api/analysis-imports/template')
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(csvFile.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csvFile.headers['content-disposition']).toContain('modele-resultats.csv');
    const text = (csvFile.body as Buffer).toString('utf8');
    expect(text.startsWith(`\uFEFF${header.join(';')}\r\n`)).toBe(true);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(2);
    const xlsxFile = await lab
      .get('/api/analysis-imports/template?format=xlsx')
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(xlsxFile.headers['content-type']).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsxFile.body);
    expect((workbook.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual(header);
  });
});
