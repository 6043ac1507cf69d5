import { RegionList } from '@maestro/shared/referential';
import type { Prescription } from '@maestro/shared/schema';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, testLaboratory } from '../../test/render';
import { prescriptionLabels } from './labels';
import { NationalGrid } from './NationalGrid';
import {
  changedCells,
  columnSaves,
  editCell,
  type GridDraft,
  parseCount,
  rowTotal,
} from './nationalGrid';
import { testPlan, testPrescription } from './testData';

vi.stubGlobal(
  'fetch',
  vi.fn(() => Promise.reject(new Error('Aucune requête réseau dans ces tests'))),
);
afterEach(cleanup);

const apples = testPrescription({
  id: '4a0c6c53-9d35-4e8a-9a55-8a7c7cf3e101',
  matrixKindCode: 'A01DH',
  sampleCount: 10,
  laboratoryChoice: 'National',
  regions: [
    {
      prescriptionId: '4a0c6c53-9d35-4e8a-9a55-8a7c7cf3e101',
      regionCode: '84',
      sampleCount: 6,
      laboratoryId: testLaboratory.id,
      version: 3,
    },
  ],
});
const cereals = testPrescription({
  id: '4a0c6c53-9d35-4e8a-9a55-8a7c7cf3e102',
  matrixKindCode: 'A0EZF',
  context: 'Control',
  sampleCount: 4,
  laboratoryChoice: 'Regional',
});
const prescriptions: Prescription[] = [apples, cereals];
const labels = prescriptionLabels(prescriptions);
const regionCodes = RegionList.map((region) => region.code);

function renderGrid(editable = true, codes = regionCodes) {
  return renderWithProviders(
    <NationalGrid
      plan={testPlan()}
      prescriptions={prescriptions}
      labels={labels}
      regionCodes={codes}
      editable={editable}
      laboratories={[testLaboratory]}
      onReload={() => Promise.resolve()}
    />,
  );
}

const cell = (name: string) => screen.getByRole('textbox', { name });

describe('the national grid’s rules', () => {
  it('reads typed counts', () => {
    expect(parseCount('')).toBe(0);
    expect(parseCount(' 12 ')).toBe(12);
    expect(parseCount('-1')).toBeNull();
    expect(parseCount('1.5')).toBeNull();
    expect(parseCount('100001')).toBeNull();
  });

  it('keeps only the cells that differ from what is saved', () => {
    let draft: GridDraft = {};
    draft = editCell(draft, apples, '11', { count: '2' });
    draft = editCell(draft, apples, '84', { count: '5' });
    expect(rowTotal(apples, regionCodes, draft)).toBe(7);
    draft = editCell(draft, apples, '84', { count: '6' });
    expect(draft[apples.id]).toEqual({ '11': { count: '2', laboratoryId: null } });
    draft = editCell(draft, apples, '11', { count: '' });
    expect(draft).toEqual({});
  });

  it('saves decreases before increases, one request per region and pass, with versions', () => {
    let draft: GridDraft = {};
    draft = editCell(draft, apples, '84', { count: '2' });
    draft = editCell(draft, apples, '11', { count: '4', laboratoryId: testLaboratory.id });
    draft = editCell(draft, cereals, '84', { count: '3' });
    const changes = changedCells(prescriptions, draft);
    expect(changes).toHaveLength(3);
    expect(columnSaves(changes)).toEqual([
      {
        regionCode: '84',
        body: {
          lines: [
            {
              prescriptionId: apples.id,
              sampleCount: 2,
              laboratoryId: testLaboratory.id,
              version: 3,
            },
          ],
        },
      },
      {
        regionCode: '11',
        body: {
          lines: [
            {
              prescriptionId: apples.id,
              sampleCount: 4,
              laboratoryId: testLaboratory.id,
              version: null,
            },
          ],
        },
      },
      {
        regionCode: '84',
        body: {
          lines: [
            { prescriptionId: cereals.id, sampleCount: 3, laboratoryId: null, version: null },
          ],
        },
      },
    ]);
  });
});

describe('the national grid', () => {
  it('names every cell for screen readers and shows the saved split', () => {
    renderGrid();
    const ara = cell('Fruits à pépins — Plan de surveillance, Auvergne-Rhône-Alpes');
    expect(ara).toHaveProperty('value', '6');
    expect(cell('Céréales — Plan de contrôle, Bretagne')).toHaveProperty('value', '');
    expect(screen.getAllByRole('columnheader')).toHaveLength(1 + 18 + 2);
    expect(screen.getByTestId(`row-total-${apples.id}`).textContent).toBe('6 / 10');
    expect(screen.getByTestId(`row-remaining-${apples.id}`).textContent).toBe('4');
    expect(screen.getByTestId('column-total-84').textContent).toBe('6');
    // The laboratory is chosen nationally for the first prescription only.
    expect(
      screen.getByRole('combobox', {
        name: 'Laboratoire — Fruits à pépins — Plan de surveillance, Auvergne-Rhône-Alpes',
      }),
    ).toHaveProperty('value', testLaboratory.id);
    expect(screen.queryAllByRole('combobox', { name: /Céréales/ })).toHaveLength(0);
    expect(screen.getByRole('button', { name: 'Enregistrer la répartition' })).toHaveProperty(
      'disabled',
      true,
    );
  });

  it('keeps row and column totals live while typing', () => {
    renderGrid();
    fireEvent.change(cell('Fruits à pépins — Plan de surveillance, Île-de-France'), {
      target: { value: '3' },
    });
    fireEvent.change(cell('Céréales — Plan de contrôle, Auvergne-Rhône-Alpes'), {
      target: { value: '4' },
    });
    expect(screen.getByTestId(`row-total-${apples.id}`).textContent).toBe('9 / 10');
    expect(screen.getByTestId(`row-remaining-${apples.id}`).textContent).toBe('1');
    expect(screen.getByTestId(`row-total-${cereals.id}`).textContent).toBe('4 / 4');
    expect(screen.getByTestId('column-total-84').textContent).toBe('10');
    expect(screen.getByTestId('column-total-11').textContent).toBe('3');
    expect(screen.getByTestId('grand-total').textContent).toBe('13');
    expect(screen.getByTestId('grid-live-total').textContent).toBe(
      'Céréales — Plan de contrôle : 4 prélèvements répartis sur 4, reste 0.',
    );
    // A new count for a nationally chosen laboratory asks for it.
    expect(
      screen.getByRole('combobox', {
        name: 'Laboratoire — Fruits à pépins — Plan de surveillance, Île-de-France',
      }),
    ).toBeDefined();
    expect(screen.getByTestId('grid-remaining').textContent).toContain(
      '« Fruits à pépins — Plan de surveillance » : 1 prélèvement reste à répartir entre les régions.',
    );
    expect(screen.getByTestId('grid-remaining').textContent).toContain(
      'choisissez le laboratoire de la région Île-de-France',
    );
    expect(screen.getByTestId('grid-save-hint').textContent).toBe(
      '2 régions modifiées à enregistrer.',
    );
    expect(screen.getByRole('button', { name: 'Enregistrer la répartition' })).toHaveProperty(
      'disabled',
      false,
    );
  });

  it('shows the problem and blocks saving when a row exceeds its national count', () => {
    renderGrid();
    const idf = cell('Fruits à pépins — Plan de surveillance, Île-de-France');
    fireEvent.change(idf, { target: { value: '5' } });
    expect(screen.getByTestId(`row-total-${apples.id}`).textContent).toBe('11 / 10 (dépassement)');
    expect(idf.getAttribute('aria-invalid')).toBe('true');
    const problems = screen.getByTestId('grid-problems');
    expect(problems.getAttribute('aria-live')).toBe('polite');
    expect(within(problems).getByRole('listitem').textContent).toBe(
      '« Fruits à pépins — Plan de surveillance » : 11 prélèvements répartis entre les régions pour 10 programmés au niveau national.',
    );
    expect(screen.getByRole('button', { name: 'Enregistrer la répartition' })).toHaveProperty(
      'disabled',
      true,
    );
    expect(screen.getByTestId('grid-save-hint').textContent).toBe(
      'Corrigez la répartition pour pouvoir l’enregistrer.',
    );

    fireEvent.change(idf, { target: { value: 'quatre' } });
    expect(within(screen.getByTestId('grid-problems')).getByRole('listitem').textContent).toMatch(
      /Île-de-France : saisissez un nombre entier/,
    );

    fireEvent.change(idf, { target: { value: '4' } });
    expect(within(screen.getByTestId('grid-problems')).queryAllByRole('listitem')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Annuler les modifications' }));
    expect(cell('Fruits à pépins — Plan de surveillance, Île-de-France')).toHaveProperty(
      'value',
      '',
    );
  });

  it('is read-only without edition rights, and shows one region to a regional user', () => {
    renderGrid(false, ['84']);
    expect(screen.queryAllByRole('textbox')).toHaveLength(0);
    expect(screen.queryByRole('button', { name: 'Enregistrer la répartition' })).toBeNull();
    const headers = screen.getAllByRole('columnheader').map((header) => header.textContent);
    expect(headers).toEqual(['Prescription', 'Auvergne-Rhône-Alpes']);
    expect(screen.getByRole('cell', { name: /^6/ }).textContent).toBe('6LDA 69');
  });
});
