import 'fake-indexeddb/auto';
import { emptySampleContent, newSampleItem } from '@maestro/shared/domain';
import type { Prescription, ProgrammingPlan, SampleContent } from '@maestro/shared/schema';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleStore } from '../../samples/offline';
import { resetDbForTests } from '../../samples/offline/db';
import { renderWithProviders, testLaboratory, testUser } from '../../test/render';
import SampleRecordPage from './SampleRecordPage';
import { planPrescriptionsQuery, validatedPlansQuery } from './sampleFormQueries';

vi.stubGlobal(
  'fetch',
  vi.fn(() => Promise.reject(new Error('Aucune requête réseau dans ces tests'))),
);

const user = testUser('Sampler');
const planId = '5d3b9a3c-7f0e-4d6f-9c55-1c1d2e3f4a5b';

const plan: ProgrammingPlan = {
  id: planId,
  year: 2026,
  kind: 'PPV',
  distributionKind: 'REGIONAL',
  status: 'Validated',
  regionalStatuses: [],
  version: 3,
  createdAt: new Date('2025-10-01T10:00:00Z'),
  updatedAt: new Date('2025-12-01T10:00:00Z'),
};

const prescription: Prescription = {
  id: '7a2c1b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  planId,
  context: 'Surveillance',
  matrixKindCode: 'A01DH',
  stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
  sampleCount: 10,
  laboratoryChoice: 'National',
  substances: [
    { substanceCode: 'RF-1020-001-PPP', method: 'Mono' },
    { substanceCode: 'RF-0014-001-PPP', method: 'Multi' },
  ],
  instructions: 'Prélever en fin de récolte.',
  version: 1,
  regions: [
    {
      prescriptionId: '7a2c1b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      regionCode: '84',
      sampleCount: 4,
      laboratoryId: testLaboratory.id,
      version: 1,
    },
  ],
  departments: [],
  commentCounts: [],
};

beforeEach(async () => {
  await resetDbForTests();
});
afterEach(cleanup);

async function openSample(content: Partial<SampleContent>) {
  const local = await sampleStore.create(
    user.id,
    emptySampleContent({ departmentCode: '69', ...content }),
  );
  const rendered = renderWithProviders(
    <Routes>
      <Route path="/prelevements/:sampleId" element={<SampleRecordPage />} />
    </Routes>,
    { user, path: `/prelevements/${local.id}` },
  );
  rendered.queryClient.setQueryData(validatedPlansQuery(user.id).queryKey, [plan]);
  rendered.queryClient.setQueryData(planPrescriptionsQuery(user.id, planId).queryKey, [
    prescription,
  ]);
  await screen.findByTestId(/^step-(Context|Matrix|Items|Summary)$/);
  return { ...rendered, id: local.id };
}

/** The message a field announces (its aria-describedby or its group's). */
function describedBy(element: HTMLElement): string {
  const ids = (element.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

const stepTitle = () => document.querySelector('.fr-stepper__title')?.firstChild?.textContent;

describe('the context step', () => {
  it('shows the missing fields in French beside them, and in a focused summary, on « Suivant »', async () => {
    await openSample({});
    expect(stepTitle()).toBe('Contexte du prélèvement');
    fireEvent.click(screen.getByRole('button', { name: 'Suivant' }));

    const summary = screen.getByTestId('step-errors');
    await waitFor(() => expect(document.activeElement).toBe(summary));
    expect(within(summary).getByText(/points à corriger dans cette étape/)).toBeTruthy();
    for (const message of [
      'Choisissez le contexte du prélèvement.',
      'Choisissez le cadre juridique.',
      'Indiquez l’entreprise ou la parcelle prélevée.',
      'Indiquez la géolocalisation du lieu de prélèvement.',
    ]) {
      expect(within(summary).getByRole('link', { name: message })).toBeTruthy();
    }

    // Beside the fields: the radio groups' legends and the groups announce their message.
    const context = document.getElementById('sample-context') as HTMLElement;
    expect(within(context).getByText('Choisissez le contexte du prélèvement.')).toBeTruthy();
    const legend = context.querySelector('legend') as HTMLElement;
    expect(describedBy(legend)).toBe('Choisissez le contexte du prélèvement.');
    const company = document.getElementById('sample-company') as HTMLElement;
    expect(
      within(company).getByText('Indiquez l’entreprise ou la parcelle prélevée.'),
    ).toBeTruthy();
    // The department was pre-filled: no message.
    expect(screen.queryByText('Choisissez le département du prélèvement.')).toBeNull();
    // Still on the first step.
    expect(stepTitle()).toBe('Contexte du prélèvement');
  });

  it('moves the focus to the field from the summary’s link', async () => {
    await openSample({});
    fireEvent.click(screen.getByRole('button', { name: 'Suivant' }));
    fireEvent.click(screen.getByRole('link', { name: 'Choisissez le cadre juridique.' }));
    expect(document.activeElement?.getAttribute('name')).toBe('legalContext');
  });

  it('refuses a malformed SIRET beside the field, and keeps what is typed', async () => {
    await openSample({});
    const siret = screen.getByLabelText(/^SIRET/) as HTMLInputElement;
    fireEvent.change(siret, { target: { value: '1234' } });
    fireEvent.blur(siret);
    expect(siret.value).toBe('1234');
    expect(describedBy(siret)).toBe('Le SIRET doit comporter 14 chiffres.');
  });

  it('falls back to typing the company when the directory cannot be reached', async () => {
    await openSample({});
    fireEvent.change(screen.getByLabelText(/^Rechercher dans l’annuaire/), {
      target: { value: 'Vergers' },
    });
    expect(await screen.findByText('Annuaire indisponible : saisissez l’entreprise.')).toBeTruthy();
    expect(screen.getByLabelText(/^Raison sociale/)).toBeTruthy();
  });

  it('goes to the matrix step once the step is complete', async () => {
    await openSample({
      context: 'Surveillance',
      programmingPlanId: planId,
      legalContext: 'A',
      parcel: 'Parcelle 12',
      geolocation: {
        latitude: 45.76,
        longitude: 4.83,
        accuracy: 12,
        source: 'Device',
        capturedAt: '2026-03-05T10:00:00+01:00',
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Suivant' }));
    await waitFor(() => expect(stepTitle()).toBe('Matrice'));
    expect(screen.queryByTestId('step-errors')?.textContent).toBe('');
  });

  it('keeps every change in the browser within a second', async () => {
    const { id } = await openSample({});
    fireEvent.change(screen.getByLabelText(/^Parcelle/), { target: { value: 'Verger nord' } });
    await waitFor(
      async () => expect((await sampleStore.get(id))?.content.parcel).toBe('Verger nord'),
      {
        timeout: 1000,
      },
    );
  });
});

describe('the matrix step', () => {
  it('shows the matched programming line with its substances, and pre-fills the laboratory', async () => {
    const { id } = await openSample({
      step: 'Matrix',
      context: 'Surveillance',
      programmingPlanId: planId,
      matrixKindCode: 'A01DH',
      stage: 'PRODUCTION_PRIMAIRE_VEGETALE',
    });
    const line = await screen.findByTestId('matched-prescription');
    expect(within(line).getByText('Fruits à pépins — Plan de surveillance')).toBeTruthy();
    expect(within(line).getByText('Glyphosate')).toBeTruthy();
    await waitFor(async () => {
      const saved = (await sampleStore.get(id))?.content;
      expect(saved?.prescriptionId).toBe(prescription.id);
      expect(saved?.substances).toHaveLength(2);
      expect(saved?.laboratoryId).toBe(testLaboratory.id);
    });
  });

  it('says clearly when no programming line matches', async () => {
    await openSample({
      step: 'Matrix',
      context: 'Surveillance',
      programmingPlanId: planId,
      matrixKindCode: 'A01BT',
      stage: 'PRODUCTION_PRIMAIRE_VEGETALE',
    });
    expect(
      await screen.findByText(/Aucune ligne du plan ne prévoit de prélèvement « Agrumes »/),
    ).toBeTruthy();
  });
});

describe('the items step', () => {
  it('adds and removes items, renumbered, up to ten', async () => {
    await openSample({ step: 'Items', items: [newSampleItem(1)] });
    const add = screen.getByRole('button', { name: 'Ajouter un échantillon' });
    fireEvent.click(add);
    fireEvent.click(add);
    expect(screen.getAllByRole('heading', { level: 4, name: /^Échantillon [A-C]$/ })).toHaveLength(
      3,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Supprimer l’échantillon A' }));
    expect(
      screen.getAllByRole('heading', { level: 4, name: /^Échantillon / }).map((h) => h.textContent),
    ).toEqual(['Échantillon A', 'Échantillon B']);

    for (let i = 0; i < 8; i++) fireEvent.click(add);
    expect(screen.getAllByRole('heading', { level: 4, name: /^Échantillon / })).toHaveLength(10);
    expect((add as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('Un prélèvement comporte au plus 10 échantillons.')).toBeTruthy();
  });

  it('shows each copy’s missing fields beside them on « Suivant »', async () => {
    await openSample({ step: 'Items', items: [newSampleItem(1)] });
    fireEvent.click(screen.getByRole('button', { name: 'Suivant' }));
    const quantity = screen.getByLabelText('Quantité — Exemplaire A-1');
    expect(describedBy(quantity)).toBe('Indiquez la quantité de l’exemplaire A-1.');
    const seal = screen.getByLabelText('Numéro de scellé — Exemplaire A-3');
    expect(describedBy(seal)).toBe('Indiquez le numéro de scellé de l’exemplaire A-3.');
    expect(
      screen.getAllByText('Indiquez la date et l’heure du prélèvement.').length,
    ).toBeGreaterThan(0);
    expect(stepTitle()).toBe('Échantillons');
  });

  it('keeps the copy 1 for the laboratory and swaps the keepers of copies 2 and 3', async () => {
    const { id } = await openSample({ step: 'Items', items: [newSampleItem(1)] });
    const copy2 = screen.getByRole('group', { name: /Conservé par — Exemplaire A-2/ });
    fireEvent.click(within(copy2).getByLabelText('Détenteur'));
    await waitFor(async () =>
      expect(
        (await sampleStore.get(id))?.content.items[0]?.copies.map((copy) => copy.recipient),
      ).toEqual(['Laboratory', 'Owner', 'Sampler']),
    );
  });

  it('stores the sampling time with the browser’s offset', async () => {
    const { id } = await openSample({ step: 'Items', items: [newSampleItem(1)] });
    fireEvent.change(screen.getByLabelText(/^Date et heure du prélèvement/), {
      target: { value: '2026-03-05T14:30' },
    });
    await waitFor(async () =>
      expect((await sampleStore.get(id))?.content.sampledAt).toMatch(
        /^2026-03-05T14:30:00[+-]\d{2}:\d{2}$/,
      ),
    );
  });
});

describe('the summary step', () => {
  it('lists what is missing as links, and opens the field’s step from a link', async () => {
    await openSample({ step: 'Summary' });
    const list = screen.getByTestId('sample-completeness');
    expect(within(list).getByText(/À compléter avant de finaliser/)).toBeTruthy();
    await act(async () => {
      fireEvent.click(within(list).getByRole('link', { name: 'Choisissez le cadre juridique.' }));
    });
    expect(stepTitle()).toBe('Contexte du prélèvement');
    await waitFor(() => expect(document.activeElement?.getAttribute('name')).toBe('legalContext'));
  });

  it('opens a step from its « Modifier » button', async () => {
    await openSample({ step: 'Summary' });
    fireEvent.click(screen.getByRole('button', { name: 'Modifier — Échantillons' }));
    expect(stepTitle()).toBe('Échantillons');
  });

  it('does not finalise an incomplete record, and moves the focus to what is missing', async () => {
    await openSample({ step: 'Summary' });
    fireEvent.click(screen.getByRole('button', { name: 'Finaliser' }));
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByTestId('sample-completeness')),
    );
    expect(
      screen.getByText('Indiquez si le détenteur accepte le procès-verbal.', {
        selector: '.fr-message',
      }),
    ).toBeTruthy();
  });
});
