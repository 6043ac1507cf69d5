import type { Prescription, ProgrammingPlan } from '@maestro/shared/schema';

/** Plans and prescriptions for the unit tests of the programming pages. */
export const testPlan = (overrides: Partial<ProgrammingPlan> = {}): ProgrammingPlan => ({
  id: '4a0c6c53-9d35-4e8a-9a55-8a7c7cf3e001',
  year: 2031,
  kind: 'PPV',
  distributionKind: 'REGIONAL',
  status: 'InProgress',
  regionalStatuses: [],
  version: 1,
  createdAt: new Date('2026-01-05T10:00:00Z'),
  updatedAt: new Date('2026-01-05T10:00:00Z'),
  ...overrides,
});

export const testPrescription = (overrides: Partial<Prescription> = {}): Prescription => ({
  id: '4a0c6c53-9d35-4e8a-9a55-8a7c7cf3e101',
  planId: '4a0c6c53-9d35-4e8a-9a55-8a7c7cf3e001',
  context: 'Surveillance',
  matrixKindCode: 'A01DH',
  stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
  sampleCount: 10,
  laboratoryChoice: 'National',
  substances: [],
  instructions: '',
  version: 1,
  regions: [],
  departments: [],
  commentCounts: [],
  ...overrides,
});
