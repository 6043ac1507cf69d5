import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedReferentials } from '@maestro/database';
import { LaboratorySeedList, Matrices, MrlList, Substances } from '@maestro/shared/referential';
import { ImportColumns, type Role, RoleList } from '@maestro/shared/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSentSamples, resultLine } from '../analyses/import/testData';
import { request, useTestApp } from '../test/testApp';
import { fold } from './repository';

/** The result import keeps its file: the app's files go to a folder of this test. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'maestro-referential-'));
const t = useTestApp({ DATA_DIR: dataDir });
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const TABLE = '/api/referential/mrls';
const mrlUrl = (substanceCode: string, matrixCode: string) =>
  `${TABLE}/${encodeURIComponent(substanceCode)}/${encodeURIComponent(matrixCode)}`;

const otherRoles = RoleList.filter(
  (role): role is Exclude<Role, 'Administrator'> => role !== 'Administrator',
);

/** A shipped MRL, distinct per test so that the tests do not see each other's corrections. */
const shipped = (substanceCode: string, matrixCode: string) => {
  const mrl = MrlList.find((m) => m.substanceCode === substanceCode && m.matrixCode === matrixCode);
  if (!mrl) throw new Error(`No shipped MRL for ${substanceCode} × ${matrixCode}`);
  return mrl;
};

const rowOf = (substanceCode: string, matrixCode: string) =>
  t.db('mrls').where({ substanceCode, matrixCode }).first();

let admin: request.Agent;
let adminId = '';
beforeAll(async () => {
  const logged = await t.loginAs('Administrator');
  admin = logged.agent;
  adminId = logged.user.id;
});

describe('MRL table: access', () => {
  const ETHEPHON_APPLES = shipped('RF-0160-001-PPP', 'A01DJ');
  const writes = [
    {
      method: 'put',
      path: mrlUrl(ETHEPHON_APPLES.substanceCode, ETHEPHON_APPLES.matrixCode),
      body: { value: 3, source: 'Correction', version: 1 },
    },
    {
      method: 'post',
      path: TABLE,
      body: { substanceCode: 'RF-1020-001-PPP', matrixCode: 'A01GF', value: 3, source: 'Ajout' },
    },
  ] as const;

  it('answers 401 to anonymous callers on every route', async () => {
    const routes: [method: 'get' | 'put' | 'post', url: string][] = [
      ['get', TABLE],
      ...writes.map((w): ['put' | 'post', string] => [w.method, w.path]),
    ];
    for (const [method, url] of routes) {
      const response = await request(t.app)[method](url).send({});
      expect(response.status, `${method} ${url}`).toBe(401);
      expect(response.body.error).toBe('Unauthenticated');
    }
  });

  it('lets every role read the table, and only administrators change it (403, nothing written)', async () => {
    for (const role of otherRoles) {
      const { agent } = await t.loginAs(role, { laboratoryId: LaboratorySeedList[0]!.id });
      const read = await agent.get(TABLE).query({ perPage: 1 });
      expect(read.status, role).toBe(200);
      expect(read.body.total).toBeGreaterThan(0);
      for (const write of writes) {
        const response = await agent[write.method](write.path).send(write.body);
        expect(response.status, `${role} ${write.method} ${write.path}`).toBe(403);
        expect(response.body.error).toBe('Forbidden');
      }
    }
    expect(await rowOf(ETHEPHON_APPLES.substanceCode, ETHEPHON_APPLES.matrixCode)).toMatchObject({
      value: ETHEPHON_APPLES.value,
      version: 1,
    });
    expect(await rowOf('RF-1020-001-PPP', 'A01GF')).toBeUndefined();
    expect(await t.db('auditEvents').where({ entity: 'mrl' })).toHaveLength(0);
  });
});

describe('MRL table: list', () => {
  // Runs before any write of this file: the table is the shipped list.
  const label = (code: string) => Substances[code]!.label;

  it('pages the whole table in a stable order (substance name, matrix name)', async () => {
    const first = await admin.get(TABLE).query({ perPage: 50 }).expect(200);
    expect(first.body).toMatchObject({ total: MrlList.length, page: 1, perPage: 50 });
    expect(first.body.items).toHaveLength(50);
    const seen = new Set<string>();
    let page = 1;
    let previous: [string, string] | null = null;
    for (;;) {
      const response = await admin.get(TABLE).query({ perPage: 50, page }).expect(200);
      for (const row of response.body.items) {
        const key = `${row.substanceCode}|${row.matrixCode}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
        // Accents and case aside: « Épinards » among the E.
        const order: [string, string] = [
          fold(label(row.substanceCode)),
          fold(Matrices[row.matrixCode]!.label),
        ];
        if (previous)
          expect(
            order[0] > previous[0] || (order[0] === previous[0] && order[1] >= previous[1]),
            `${order} after ${previous}`,
          ).toBe(true);
        previous = order;
      }
      if (response.body.items.length < 50) break;
      page += 1;
    }
    expect(seen.size).toBe(MrlList.length);
    const beyond = await admin
      .get(TABLE)
      .query({ perPage: 50, page: page + 1 })
      .expect(200);
    expect(beyond.body).toMatchObject({ items: [], total: MrlList.length });
  });

  it('gives each row its value, source, version and whether it was corrected', async () => {
    const mrl = shipped('RF-0160-001-PPP', 'A01DJ');
    const response = await admin
      .get(TABLE)
      .query({ substanceCode: mrl.substanceCode, matrixCode: mrl.matrixCode })
      .expect(200);
    expect(response.body.total).toBe(1);
    expect(response.body.items[0]).toEqual({
      substanceCode: mrl.substanceCode,
      matrixCode: mrl.matrixCode,
      value: mrl.value,
      source: mrl.source,
      version: 1,
      updatedAt: expect.any(String),
      corrected: false,
    });
  });

  it('filters by matrix, by substance, and searches substance names without accents or case', async () => {
    const codes = (response: request.Response) =>
      response.body.items.map((r: { substanceCode: string; matrixCode: string }) => [
        r.substanceCode,
        r.matrixCode,
      ]);
    const apples = await admin.get(TABLE).query({ matrixCode: 'A01DJ', perPage: 100 }).expect(200);
    const shippedApples = MrlList.filter((m) => m.matrixCode === 'A01DJ');
    expect(apples.body.total).toBe(shippedApples.length);
    expect(
      codes(apples)
        .map(([s]: string[]) => s)
        .sort(),
    ).toEqual(shippedApples.map((m) => m.substanceCode).sort());

    const ethephon = await admin
      .get(TABLE)
      .query({ substanceCode: 'RF-0160-001-PPP', perPage: 100 })
      .expect(200);
    expect(ethephon.body.total).toBe(
      MrlList.filter((m) => m.substanceCode === 'RF-0160-001-PPP').length,
    );
    // « Éthéphon » found as « ETHEPHON »
    const searched = await admin.get(TABLE).query({ q: 'ETHEPHON', perPage: 100 }).expect(200);
    expect(codes(searched)).toEqual(codes(ethephon));

    const chlorpyriphos = MrlList.filter((m) =>
      label(m.substanceCode).toLowerCase().startsWith('chlorpyriphos'),
    );
    const byName = await admin.get(TABLE).query({ q: 'chlorpyriphos', perPage: 100 }).expect(200);
    expect(byName.body.total).toBe(chlorpyriphos.length);
    // « méthyl » found as « methyl », together with a matrix
    const methyl = await admin
      .get(TABLE)
      .query({ q: 'Chlorpyriphos-methyl', matrixCode: 'A01DJ' })
      .expect(200);
    expect(codes(methyl)).toEqual([['RF-0088-001-PPP', 'A01DJ']]);
    // by code
    const byCode = await admin.get(TABLE).query({ q: 'rf-0160', perPage: 100 }).expect(200);
    expect(byCode.body.total).toBe(ethephon.body.total);
    // wildcards are plain characters
    const wildcard = await admin.get(TABLE).query({ q: '%' }).expect(200);
    expect(wildcard.body.total).toBe(0);
  });

  it('refuses a malformed query', async () => {
    const response = await admin.get(TABLE).query({ perPage: 1000 }).expect(400);
    expect(response.body.issues.map((i: { path: string }) => i.path)).toEqual(['query.perPage']);
  });
});

describe('MRL table: correcting a value', () => {
  it('corrects value and source with the version, and audits before/after', async () => {
    const mrl = shipped('RF-1020-001-PPP', 'A01DJ');
    const before = await rowOf(mrl.substanceCode, mrl.matrixCode);
    const response = await admin
      .put(mrlUrl(mrl.substanceCode, mrl.matrixCode))
      .send({ value: 0.15, source: '  Règlement (UE) 2099/1, annexe II  ', version: 1 });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({
      substanceCode: mrl.substanceCode,
      matrixCode: mrl.matrixCode,
      value: 0.15,
      source: 'Règlement (UE) 2099/1, annexe II',
      version: 2,
      corrected: true,
    });
    const row = await rowOf(mrl.substanceCode, mrl.matrixCode);
    expect(row).toMatchObject({ value: 0.15, version: 2 });
    expect(row.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());

    const audit = await t
      .db('auditEvents')
      .where({ entity: 'mrl', entityId: `${mrl.substanceCode}|${mrl.matrixCode}` });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'update',
      userId: adminId,
      before: { value: mrl.value, source: mrl.source, version: 1, corrected: false },
      after: { value: 0.15, source: 'Règlement (UE) 2099/1, annexe II', version: 2 },
    });

    const listed = await admin
      .get(TABLE)
      .query({ substanceCode: mrl.substanceCode, matrixCode: mrl.matrixCode })
      .expect(200);
    expect(listed.body.items[0]).toMatchObject({ value: 0.15, version: 2, corrected: true });

    // a later correction starts from the version just read
    const again = await admin
      .put(mrlUrl(mrl.substanceCode, mrl.matrixCode))
      .send({ value: 100000, source: 'Encore', version: 2 })
      .expect(200);
    expect(again.body).toMatchObject({ value: 100000, version: 3 });
  });

  it('refuses a stale version (409) and keeps the row', async () => {
    const mrl = shipped('RF-1020-001-PPP', 'A01DP');
    const url = mrlUrl(mrl.substanceCode, mrl.matrixCode);
    await admin.put(url).send({ value: 0.2, source: 'Première', version: 1 }).expect(200);
    const stale = await admin.put(url).send({ value: 0.3, source: 'Seconde', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      error: 'VersionConflict',
      message:
        'Cette LMR a été modifiée entre-temps par quelqu’un d’autre : rechargez-la avant de la corriger.',
    });
    expect(await rowOf(mrl.substanceCode, mrl.matrixCode)).toMatchObject({
      value: 0.2,
      source: 'Première',
      version: 2,
    });
    expect(
      await t
        .db('auditEvents')
        .where({ entity: 'mrl', entityId: `${mrl.substanceCode}|${mrl.matrixCode}` }),
    ).toHaveLength(1);
  });

  it('answers 404 for a pair without MRL, an unknown substance or an unknown matrix', async () => {
    const body = { value: 1, source: 'Correction', version: 1 };
    const absent = await admin.put(mrlUrl('RF-1020-001-PPP', 'A01GF')).send(body).expect(404);
    expect(absent.body.message).toBe(
      'La table ne contient pas de LMR pour cette substance et cette matrice : ajoutez-la.',
    );
    const substance = await admin.put(mrlUrl('RF-9999-999-PPP', 'A01DJ')).send(body).expect(404);
    expect(substance.body.message).toBe('Cette substance n’existe pas dans le référentiel.');
    const matrix = await admin.put(mrlUrl('RF-1020-001-PPP', 'ZZZZZ')).send(body).expect(404);
    expect(matrix.body.message).toBe('Cette matrice n’existe pas dans le référentiel.');
    expect(await rowOf('RF-1020-001-PPP', 'A01GF')).toBeUndefined();
  });

  it('refuses invalid values and sources with French messages on each field (400)', async () => {
    const mrl = shipped('RF-1020-001-PPP', 'A0DZB');
    const url = mrlUrl(mrl.substanceCode, mrl.matrixCode);
    const cases = [
      [{ value: 0 }, 'body.value', 'La LMR doit être strictement positive.'],
      [{ value: -1 }, 'body.value', 'La LMR doit être strictement positive.'],
      [{ value: 100000.5 }, 'body.value', 'La LMR ne peut pas dépasser 100 000 mg/kg.'],
      [{ value: 0.0000001 }, 'body.value', 'La LMR s’écrit avec 6 décimales au plus.'],
      [
        { value: '0,05' },
        'body.value',
        'Indiquez la LMR en mg/kg (valeur numérique, par exemple 0,05).',
      ],
      [
        { source: '   ' },
        'body.source',
        'Indiquez la source de la LMR (règlement, date de publication…).',
      ],
      [
        { source: 'x'.repeat(256) },
        'body.source',
        'La source ne peut pas dépasser 255 caractères.',
      ],
      [{ version: 0 }, 'body.version', undefined],
    ] as const;
    for (const [override, field, message] of cases) {
      const response = await admin
        .put(url)
        .send({ value: 1, source: 'Correction', version: 1, ...override });
      expect(response.status, JSON.stringify(override)).toBe(400);
      expect(response.body.message).toBe('La requête contient des données invalides.');
      const issue = response.body.issues.find((i: { path: string }) => i.path === field);
      expect(issue, JSON.stringify(response.body.issues)).toBeDefined();
      if (message) expect(issue.message).toBe(message);
    }
    // the longest source and the finest value allowed pass
    await admin
      .put(url)
      .send({ value: 0.000001, source: 'x'.repeat(255), version: 1 })
      .expect(200);
    expect(await rowOf(mrl.substanceCode, mrl.matrixCode)).toMatchObject({
      value: 0.000001,
      version: 2,
    });
  });
});

describe('MRL table: adding a value', () => {
  it('adds a missing pair (201) as an administrator’s row, audited', async () => {
    const response = await admin.post(TABLE).send({
      substanceCode: 'RF-1020-001-PPP',
      matrixCode: 'A01GQ',
      value: 0.25,
      source: 'Règlement (UE) 2099/2',
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({
      substanceCode: 'RF-1020-001-PPP',
      matrixCode: 'A01GQ',
      value: 0.25,
      source: 'Règlement (UE) 2099/2',
      corrected: true,
    });
    expect(await rowOf('RF-1020-001-PPP', 'A01GQ')).toMatchObject({ value: 0.25 });
    const audit = await t
      .db('auditEvents')
      .where({ entity: 'mrl', entityId: 'RF-1020-001-PPP|A01GQ' })
      .first();
    expect(audit).toMatchObject({
      action: 'create',
      userId: adminId,
      before: null,
      after: { value: 0.25, source: 'Règlement (UE) 2099/2' },
    });
    // corrected like any other row, with the version it answered
    await admin
      .put(mrlUrl('RF-1020-001-PPP', 'A01GQ'))
      .send({ value: 0.3, source: 'Correction', version: response.body.version })
      .expect(200);
  });

  it('refuses a pair already in the table (409) and unknown codes (400)', async () => {
    const mrl = shipped('RF-0160-001-PPP', 'A01DX');
    const exists = await admin.post(TABLE).send({
      substanceCode: mrl.substanceCode,
      matrixCode: mrl.matrixCode,
      value: 9,
      source: 'X',
    });
    expect(exists.status).toBe(409);
    expect(exists.body.message).toBe(
      'La table contient déjà une LMR pour cette substance et cette matrice : corrigez-la plutôt.',
    );
    expect(await rowOf(mrl.substanceCode, mrl.matrixCode)).toMatchObject({
      value: mrl.value,
      version: 1,
    });

    const unknown = await admin
      .post(TABLE)
      .send({ substanceCode: 'RF-9999-999-PPP', matrixCode: 'ZZZZZ', value: 1, source: 'X' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([
      { path: 'body.substanceCode', message: 'Cette substance n’existe pas dans le référentiel.' },
      { path: 'body.matrixCode', message: 'Cette matrice n’existe pas dans le référentiel.' },
    ]);
    const missing = await admin.post(TABLE).send({ value: 1, source: 'X' }).expect(400);
    expect(missing.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.matrixCode',
      'body.substanceCode',
    ]);
    expect(await rowOf('RF-9999-999-PPP', 'ZZZZZ')).toBeUndefined();
  });
});

describe('MRL table: the referential load', () => {
  it('never overwrites a corrected or added row, and still refreshes the others', async () => {
    const corrected = shipped('RF-0160-001-PPP', 'A01DY');
    const untouched = shipped('RF-0160-001-PPP', 'A001N');
    const added = shipped('RF-0160-001-PPP', 'A00HQ');
    await admin
      .put(mrlUrl(corrected.substanceCode, corrected.matrixCode))
      .send({ value: 4.5, source: 'Correction de l’administrateur', version: 1 })
      .expect(200);
    // a pair the table lacked (as if a later release shipped it), added by the administrator
    await t
      .db('mrls')
      .where({ substanceCode: added.substanceCode, matrixCode: added.matrixCode })
      .delete();
    await admin
      .post(TABLE)
      .send({
        substanceCode: added.substanceCode,
        matrixCode: added.matrixCode,
        value: 7.5,
        source: 'Ajout de l’administrateur',
      })
      .expect(201);
    // a row nobody corrected, changed behind the application's back
    await t
      .db('mrls')
      .where({ substanceCode: untouched.substanceCode, matrixCode: untouched.matrixCode })
      .update({ value: 99 });

    await t.db('referentialState').delete();
    expect(await seedReferentials(t.db)).toBe(true);

    expect(await rowOf(corrected.substanceCode, corrected.matrixCode)).toMatchObject({
      value: 4.5,
      source: 'Correction de l’administrateur',
      version: 2,
    });
    expect(await rowOf(added.substanceCode, added.matrixCode)).toMatchObject({
      value: 7.5,
      source: 'Ajout de l’administrateur',
    });
    expect(await rowOf(untouched.substanceCode, untouched.matrixCode)).toMatchObject({
      value: untouched.value,
      version: 1,
    });
  });
});

describe('MRL table: analyses judged with the former value', () => {
  it('show « LMR modifiée » (mrlChanged) once the value is corrected, and nobody is notified', async () => {
    // Chlorpyriphos on apples: 0.01 mg/kg shipped.
    const mrl = shipped('RF-0087-001-PPP', 'A01DJ');
    const lab = LaboratorySeedList[0]!;
    const { agent: labUser } = await t.loginAs('LaboratoryUser', { laboratoryId: lab.id });
    const { agent: departmental } = await t.loginAs('DepartmentalCoordinator', {
      regionCode: '84',
      departmentCode: '69',
    });
    const samplerId = (await t.insertUser('Sampler', { regionCode: '84', departmentCode: '69' }))
      .id;
    const [sample] = await insertSentSamples(t.db, {
      laboratoryId: lab.id,
      samplerId,
      count: 1,
      matrixCode: mrl.matrixCode,
    });
    // 0.015 mg/kg: above 0.01 but within the default 50 % uncertainty.
    const csv = [
      ImportColumns.join(';'),
      resultLine({
        reference: sample!.copyReference,
        substance: mrl.substanceCode,
        kind: 'Q',
        value: '0,015',
        loq: '0,005',
      }).join(';'),
    ].join('\r\n');
    const preview = await labUser
      .post('/api/analysis-imports?fileName=resultats.csv')
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(csv));
    expect(preview.status, JSON.stringify(preview.body)).toBe(201);
    const committed = await labUser
      .post(`/api/analysis-imports/${preview.body.id}/commit`)
      .send({ existing: 'Keep' });
    expect(committed.status, JSON.stringify(committed.body)).toBe(200);

    const analysisUrl = `/api/analyses/${sample!.analysisId}`;
    const judged = await departmental.get(analysisUrl).expect(200);
    expect(judged.body).toMatchObject({ status: 'InReview', mrlChanged: false });
    expect(judged.body.residues[0].verdict).toMatchObject({
      mrl: mrl.value,
      rule: 'WithinUncertainty',
    });

    const notifications = Number((await t.db('notifications').count({ n: '*' }))[0]!.n);
    const mails = Number((await t.db('mailDeliveries').count({ n: '*' }))[0]!.n);
    const current = await admin
      .get(TABLE)
      .query({ substanceCode: mrl.substanceCode, matrixCode: mrl.matrixCode })
      .expect(200);
    await admin
      .put(mrlUrl(mrl.substanceCode, mrl.matrixCode))
      .send({
        value: 0.02,
        source: 'Règlement (UE) 2099/3',
        version: current.body.items[0].version,
      })
      .expect(200);

    const after = await departmental.get(analysisUrl).expect(200);
    expect(after.body.mrlChanged).toBe(true);
    // the verdict keeps the value it was judged with until a coordinator re-evaluates it
    expect(after.body.residues[0].verdict).toMatchObject({ mrl: mrl.value });
    const listed = await departmental
      .get('/api/analyses')
      .query({ reference: sample!.reference })
      .expect(200);
    expect(listed.body.items[0].mrlChanged).toBe(true);
    expect(Number((await t.db('notifications').count({ n: '*' }))[0]!.n)).toBe(notifications);
    expect(Number((await t.db('mailDeliveries').count({ n: '*' }))[0]!.n)).toBe(mails);
  });
});
