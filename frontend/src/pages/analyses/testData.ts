import { applicableMrl, residueVerdict } from '@maestro/shared/domain';
import type { Analysis, AnalysisListItem, Residue } from '@maestro/shared/schema';
import { vi } from 'vitest';
import { testLaboratory } from '../../test/render';

export const analysisId = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
export const sampleId = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
export const GLYPHOSATE = 'RF-1020-001-PPP';
export const ACETAMIPRID = 'RF-0014-001-PPP';
export const ACETAMIPRID_MRL = { value: 0.4, source: 'Règlement (UE) 2023/1234' };

/** A residue as the server answers it, with its verdict computed by the shared rule. */
export function testResidue(overrides: Partial<Residue> = {}): Residue {
  const base = {
    residueNumber: 1,
    substanceCode: ACETAMIPRID,
    kind: 'Q' as const,
    value: 1.2,
    unit: 'mg/kg' as const,
    loq: 0.01,
    mrl: null,
    uncertaintyPercent: null,
    analytes: [],
    notes: '',
    arfdExceeded: null,
    authorisedForUse: null,
    contaminationSources: '',
    approvedInEu: true,
    ...overrides,
  };
  return {
    ...base,
    verdict:
      overrides.verdict ??
      residueVerdict(
        base,
        applicableMrl(base.mrl, base.substanceCode === ACETAMIPRID ? ACETAMIPRID_MRL : null),
      ),
  };
}

/** An analysis of the copy A-1 of a sample of apples, addressed to the test laboratory. */
export function testAnalysis(overrides: Partial<Analysis> = {}): Analysis {
  return {
    id: analysisId,
    sample: {
      id: sampleId,
      reference: 'ARA-26-00042',
      status: 'Sent',
      regionCode: '84',
      departmentCode: '69',
      programmingPlanId: null,
      context: 'Surveillance',
      matrixKindCode: 'A01DH',
      matrixCode: 'A01DJ',
      matrixFreeText: null,
      stage: 'PRODUCTION_PRIMAIRE_VEGETALE',
      sampledAt: '2026-03-10T09:00:00.000Z',
      sentAt: '2026-03-10T16:00:00.000Z',
      substances: [
        { substanceCode: GLYPHOSATE, method: 'Mono' },
        { substanceCode: ACETAMIPRID, method: 'Multi' },
      ],
      compliant: null,
    },
    itemNumber: 1,
    copyNumber: 1,
    copyReference: 'ARA-26-00042-A-1',
    laboratoryId: testLaboratory.id,
    counterAnalysis: false,
    counterAnalysisReason: null,
    status: 'Sent',
    version: 1,
    receivedAt: null,
    reception: null,
    notAdmissibleReason: null,
    notAdmissibleComment: null,
    analysedAt: null,
    methods: [],
    notes: '',
    resultVersion: 0,
    resultSource: null,
    residues: [],
    submittedAt: null,
    computedCompliant: null,
    compliant: null,
    complianceOverridden: false,
    reviewComment: null,
    reviewedAt: null,
    reviewerName: null,
    mrlChanged: false,
    report: null,
    createdAt: '2026-03-10T16:00:00.000Z',
    updatedAt: '2026-03-10T16:00:00.000Z',
    ...overrides,
  };
}

/** Analyses in review: received, results submitted, non-compliant. */
export const inReview = (overrides: Partial<Analysis> = {}): Analysis =>
  testAnalysis({
    status: 'InReview',
    version: 4,
    receivedAt: '2026-03-11T08:30:00.000Z',
    reception: { sealsIntact: true, quantitySufficient: true, temperatureCelsius: 4, notes: '' },
    analysedAt: '2026-03-12',
    methods: ['Multi'],
    resultVersion: 1,
    resultSource: 'Form',
    residues: [testResidue()],
    submittedAt: '2026-03-12T15:00:00.000Z',
    computedCompliant: false,
    compliant: false,
    ...overrides,
  });

export const listItem = (overrides: Partial<AnalysisListItem> = {}): AnalysisListItem => ({
  id: analysisId,
  sampleId,
  sampleReference: 'ARA-26-00042',
  copyReference: 'ARA-26-00042-A-1',
  status: 'InReview',
  laboratoryId: testLaboratory.id,
  regionCode: '84',
  departmentCode: '69',
  matrixCode: 'A01DJ',
  matrixFreeText: null,
  sampledAt: '2026-03-10T09:00:00.000Z',
  sentAt: '2026-03-10T16:00:00.000Z',
  receivedAt: '2026-03-11T08:30:00.000Z',
  submittedAt: '2026-03-12T15:00:00.000Z',
  compliant: false,
  counterAnalysis: false,
  mrlChanged: false,
  updatedAt: '2026-03-12T15:00:00.000Z',
  ...overrides,
});

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

export const apiError = (status: number, error: string, message: string, issues = []) =>
  json({ error, message, issues }, status);

export interface Call {
  method: string;
  url: string;
  body: unknown;
}

type Handler = (call: Call) => Response | Promise<Response>;

/**
 * A fetch stub answering by `METHOD /path` (without the query); every call is recorded.
 * Unknown routes answer 404.
 */
export function mockApi(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = (init?.method ?? 'GET').toUpperCase();
    const raw = init?.body;
    const body = typeof raw === 'string' ? JSON.parse(raw) : (raw ?? null);
    const call = { method, url, body };
    calls.push(call);
    const handler = routes[`${method} ${url.split('?')[0]}`];
    return handler
      ? handler(call)
      : apiError(404, 'NotFound', `Aucune réponse de test pour ${method} ${url}`);
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    /** The calls of one route. */
    callsOf: (method: string, path: string) =>
      calls.filter((call) => call.method === method && call.url.split('?')[0] === path),
  };
}
