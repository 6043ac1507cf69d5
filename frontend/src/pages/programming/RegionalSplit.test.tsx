import { departmentsOfRegion } from '@maestro/shared/referential';
import type { Prescription } from '@maestro/shared/schema';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, testLaboratory } from '../../test/render';
import { prescriptionLabels } from './labels';
import { RegionalSplit } from './RegionalSplit';
import {
  changedSplits,
  editSplit,
  regionLines,
  type SplitDraft,
  splitToSave,
} from './regionalSplit';
import { testPlan, testPrescription } from './testData';

vi.stubGlobal(
  'fetch',
  vi.fn(() => Promise.reject(new Error('Aucune requête réseau dans ces tests'))),
);
afterEach(cleanup);

const id1 = '4a0c6c53-9d35-4e8a-9a55-8a7c7cf3e101';
const id2 = '4a0c6c53-9d35-4e8a-9a55-8a7c7cf3e102';
const apples = testPrescription({
  id: id1,
  sampleCount: 10,
  laboratoryChoice: 'National',
  regions: [
    {
      prescriptionId: id1,
      regionCode: '84',
      sampleCount: 6,
      laboratoryId: testLaboratory.id,
      version: 2,
    },
  ],
  departments: [{ prescriptionId: id1, regionCode: '84', departmentCode: '69', sampleCount: 2 }],
});
const cereals = testPrescription({
  id: id2,
  matrixKindCode: 'A0EZF',
  context: 'Control',
  sampleCount: 4,
  laboratoryChoice: 'Regional',
  regions: [
    { prescriptionId: id2, regionCode: '84', sampleCount: 4, laboratoryId: null, version: 5 },
  ],
});
const prescriptions: Prescription[] = [apples, cereals];
const labels = prescriptionLabels(prescriptions);
const plan = testPlan({
  status: 'SubmittedToRegion',
  regionalStatuses: [{ regionCode: '84', status: 'Pending' }],
});
const departmentCodes = departmentsOfRegion('84').map((d) => d.code);

describe('the split of a region between its departments', () => {
  it('sends the changed lines with the version of the regional line', () => {
    const lines = regionLines(prescriptions, '84');
    let draft: SplitDraft = {};
    draft = editSplit(draft, lines[0]!, departmentCodes, { departmentCode: '01', count: '4' });
    draft = editSplit(draft, lines[1]!, departmentCodes, { laboratoryId: testLaboratory.id });
    const changed = changedSplits(lines, draft, departmentCodes);
    expect(splitToSave(changed, draft, departmentCodes)).toEqual({
      lines: [
        {
          prescriptionId: id1,
          laboratoryId: testLaboratory.id,
          version: 2,
          departments: [
            { departmentCode: '01', sampleCount: 4 },
            { departmentCode: '69', sampleCount: 2 },
          ],
        },
        { prescriptionId: id2, laboratoryId: testLaboratory.id, version: 5, departments: [] },
      ],
    });
  });

  it('keeps totals live against the regional count and blocks an excess', () => {
    renderWithProviders(
      <RegionalSplit
        plan={plan}
        prescriptions={prescriptions}
        labels={labels}
        regionCode="84"
        editable
        laboratories={[testLaboratory]}
        onReload={() => Promise.resolve()}
      />,
    );
    // One column per department of Auvergne-Rhône-Alpes.
    expect(
      screen.getAllByRole('textbox', { name: /^Fruits à pépins — Plan de surveillance, / }),
    ).toHaveLength(departmentCodes.length);
    expect(screen.getByTestId(`split-total-${id1}`).textContent).toBe('2 / 6');
    fireEvent.change(
      screen.getByRole('textbox', { name: 'Céréales — Plan de contrôle, Ain (01)' }),
      {
        target: { value: '3' },
      },
    );
    expect(screen.getByTestId(`split-total-${id2}`).textContent).toBe('3 / 4');
    expect(screen.getByTestId('split-live-total').textContent).toBe(
      'Céréales — Plan de contrôle : 3 prélèvements répartis sur 4, reste 1.',
    );
    expect(screen.getByTestId('split-remaining').textContent).toContain(
      '« Céréales — Plan de contrôle » : 1 prélèvement reste à répartir entre les départements.',
    );
    expect(screen.getByTestId('split-remaining').textContent).toContain(
      '« Céréales — Plan de contrôle » : choisissez le laboratoire d’analyse.',
    );
    // Only the delegated line has a laboratory to choose.
    expect(
      screen.getAllByRole('combobox').map((select) => select.getAttribute('aria-label')),
    ).toEqual(['Laboratoire — Céréales — Plan de contrôle']);

    fireEvent.change(
      screen.getByRole('textbox', { name: 'Fruits à pépins — Plan de surveillance, Rhône (69)' }),
      {
        target: { value: '7' },
      },
    );
    expect(within(screen.getByTestId('split-problems')).getByRole('listitem').textContent).toBe(
      '« Fruits à pépins — Plan de surveillance » : 7 prélèvements répartis entre les départements pour 6 attribués à la région.',
    );
    expect(
      screen.getByRole('button', { name: 'Enregistrer la répartition régionale' }),
    ).toHaveProperty('disabled', true);
  });

  it('is read-only once the region approved', () => {
    renderWithProviders(
      <RegionalSplit
        plan={{ ...plan, regionalStatuses: [{ regionCode: '84', status: 'Approved' }] }}
        prescriptions={prescriptions}
        labels={labels}
        regionCode="84"
        editable={false}
        laboratories={[testLaboratory]}
        onReload={() => Promise.resolve()}
      />,
    );
    expect(screen.queryAllByRole('textbox')).toHaveLength(0);
    expect(screen.getByTestId(`split-total-${id1}`).textContent).toBe('2 / 6');
  });
});
