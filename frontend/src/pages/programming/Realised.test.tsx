import { RegionList } from '@maestro/shared/referential';
import type { Prescription, RealisedCount } from '@maestro/shared/schema';
import { cleanup, configure, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, testLaboratory } from '../../test/render';
import { prescriptionLabels } from './labels';
import { NationalGrid } from './NationalGrid';
import { PrescriptionsSection } from './PrescriptionsSection';
import { RegionalSplit } from './RegionalSplit';
import { Realised, realisedText } from './realised';
import { testPlan, testPrescription } from './testData';

const plan = testPlan({ status: 'Validated' });
const applesId = '4a0c6c53-9d35-4e8a-9a55-8a7c7cf3e101';
const cerealsId = '4a0c6c53-9d35-4e8a-9a55-8a7c7cf3e102';
const apples = testPrescription({
  id: applesId,
  sampleCount: 10,
  regions: [
    {
      prescriptionId: applesId,
      regionCode: '84',
      sampleCount: 6,
      laboratoryId: testLaboratory.id,
      version: 1,
    },
    {
      prescriptionId: applesId,
      regionCode: '11',
      sampleCount: 4,
      laboratoryId: testLaboratory.id,
      version: 1,
    },
  ],
  departments: [
    { prescriptionId: applesId, regionCode: '84', departmentCode: '69', sampleCount: 4 },
    { prescriptionId: applesId, regionCode: '84', departmentCode: '01', sampleCount: 2 },
  ],
});
const cereals = testPrescription({
  id: cerealsId,
  matrixKindCode: 'A0EZF',
  context: 'Control',
  sampleCount: 4,
  regions: [
    {
      prescriptionId: cerealsId,
      regionCode: '84',
      sampleCount: 4,
      laboratoryId: testLaboratory.id,
      version: 1,
    },
  ],
  departments: [
    { prescriptionId: cerealsId, regionCode: '84', departmentCode: '69', sampleCount: 4 },
  ],
});
const prescriptions: Prescription[] = [apples, cereals];
const labels = prescriptionLabels(prescriptions);

const counts: RealisedCount[] = [
  { prescriptionId: applesId, regionCode: '84', departmentCode: '69', count: 3 },
  { prescriptionId: applesId, regionCode: '84', departmentCode: '01', count: 2 },
  { prescriptionId: applesId, regionCode: '11', departmentCode: '75', count: 1 },
  { prescriptionId: cerealsId, regionCode: '84', departmentCode: '69', count: 5 },
];

const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
  const url = String(input);
  if (url === `/api/programming-plans/${plan.id}/realised`)
    return new Response(JSON.stringify(counts), {
      headers: { 'Content-Type': 'application/json' },
    });
  throw new Error(`Requête inattendue : ${url}`);
});
vi.stubGlobal('fetch', fetchMock);
// on a busy machine, the first render may take more than the default second
configure({ asyncUtilTimeout: 5000 });
beforeEach(() => {
  fetchMock.mockClear();
});
afterEach(cleanup);

describe('the realised counts', () => {
  it('says what is realised and what remains', () => {
    expect(realisedText(12, 20)).toBe('12 / 20 réalisés (8 restants)');
    expect(realisedText(1, 2)).toBe('1 / 2 réalisé (1 restant)');
    expect(realisedText(0, 0)).toBe('0 / 0 réalisé (0 restant)');
    expect(realisedText(23, 20)).toBe('23 / 20 réalisés (3 de plus que programmé)');
    expect(realisedText(1200, 2000)).toBe('1\u202f200 / 2\u202f000 réalisés (800 restants)');
  });

  it('sums the counts per prescription, region and department', () => {
    const realised = new Realised(counts);
    expect(realised.ofPrescription(applesId)).toBe(6);
    expect(realised.ofRegion(applesId, '84')).toBe(5);
    expect(realised.ofDepartment(applesId, '01')).toBe(2);
    expect(realised.ofDepartment(cerealsId, '01')).toBe(0);
  });
});

describe('the prescriptions of an open campaign', () => {
  it('show the national realisation per line and in total', async () => {
    renderWithProviders(
      <PrescriptionsSection
        plan={plan}
        prescriptions={prescriptions}
        labels={labels}
        editable={false}
        scope={{ kind: 'national' }}
        onReload={() => Promise.resolve()}
      />,
    );
    expect((await screen.findByTestId('realised-total')).textContent).toBe(
      'Réalisation du plan : 11 / 14 réalisés (3 restants)',
    );
    expect(screen.getByTestId(`realised-${applesId}`).textContent).toBe(
      '6 / 10 réalisés (4 restants)',
    );
    expect(screen.getByTestId(`realised-${cerealsId}`).textContent).toBe(
      '5 / 4 réalisés (1 de plus que programmé)',
    );
    expect(screen.getByRole('columnheader', { name: 'Réalisation' })).toBeDefined();
  });

  it('show a department its own share', async () => {
    renderWithProviders(
      <PrescriptionsSection
        plan={plan}
        prescriptions={prescriptions}
        labels={labels}
        editable={false}
        scope={{ kind: 'department', regionCode: '84', departmentCode: '01' }}
        onReload={() => Promise.resolve()}
      />,
    );
    expect((await screen.findByTestId(`realised-${applesId}`)).textContent).toBe(
      '2 / 2 réalisés (0 restant)',
    );
    expect(screen.getByTestId('realised-total').textContent).toBe(
      'Réalisation du département : 2 / 2 réalisés (0 restant)',
    );
  });

  it('are not asked for before the campaign opens', () => {
    renderWithProviders(
      <PrescriptionsSection
        plan={testPlan()}
        prescriptions={prescriptions}
        labels={labels}
        editable={false}
        scope={{ kind: 'national' }}
        onReload={() => Promise.resolve()}
      />,
    );
    expect(fetchMock).not.toHaveBeenCalled();
    expect(screen.queryByTestId('realised-total')).toBeNull();
    expect(screen.queryByRole('columnheader', { name: 'Réalisation' })).toBeNull();
  });
});

describe('the distribution grids of an open campaign', () => {
  it('show the realisation per region, per line and in total nationally', async () => {
    renderWithProviders(
      <NationalGrid
        plan={plan}
        prescriptions={prescriptions}
        labels={labels}
        regionCodes={RegionList.map((region) => region.code)}
        editable={false}
        laboratories={[testLaboratory]}
        onReload={() => Promise.resolve()}
      />,
    );
    expect((await screen.findByTestId(`realised-${applesId}`)).textContent).toBe(
      '6 / 10 réalisés (4 restants)',
    );
    expect(screen.getByTestId(`realised-${applesId}-84`).textContent).toBe(', 5 réalisés');
    expect(screen.getByTestId(`realised-${applesId}-11`).textContent).toBe(', 1 réalisé');
    expect(screen.queryByTestId(`realised-${cerealsId}-11`)).toBeNull();
    expect(screen.getByTestId('realised-total').textContent).toBe('11 / 14 réalisés (3 restants)');
  });

  it('show a region the realisation of each department and line', async () => {
    renderWithProviders(
      <RegionalSplit
        plan={plan}
        prescriptions={prescriptions}
        labels={labels}
        regionCode="84"
        editable={false}
        laboratories={[testLaboratory]}
        onReload={() => Promise.resolve()}
      />,
    );
    const row = await screen.findByTestId(`realised-${applesId}`);
    expect(row.textContent).toBe('5 / 6 réalisés (1 restant)');
    const line = screen.getByTestId(`split-row-${applesId}`);
    expect(within(line).getByTestId(`realised-${applesId}-69`).textContent).toBe(', 3 réalisés');
    expect(within(line).getByTestId(`realised-${applesId}-01`).textContent).toBe(', 2 réalisés');
    expect(screen.getByTestId(`realised-${cerealsId}`).textContent).toBe(
      '5 / 4 réalisés (1 de plus que programmé)',
    );
  });
});
