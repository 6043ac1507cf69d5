import 'fake-indexeddb/auto';
import { emptySampleContent, newSampleItem } from '@maestro/shared/domain';
import type { SampleContent } from '@maestro/shared/schema';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalSample, sampleStore } from '../../samples/offline';
import { resetDbForTests } from '../../samples/offline/db';
import { otherOwnerId, serverSample } from '../../samples/offline/testing';
import { renderWithProviders, testUser } from '../../test/render';
import {
  LocalSamplesSection,
  localSamplesToShow,
  RECENT_SYNCED_LIMIT,
} from './LocalSamplesSection';

vi.stubGlobal(
  'fetch',
  vi.fn(() => Promise.reject(new TypeError('Aucune requête réseau dans ces tests'))),
);

const user = testUser('Sampler');

/** A record with every field the summary asks for (sampled an hour ago). */
function readyContent(patch: Partial<SampleContent> = {}): SampleContent {
  const item = newSampleItem(1);
  for (const [index, copy] of item.copies.entries()) {
    copy.quantity = 1.5;
    copy.unit = 'KG';
    copy.sealNumber = `LS-${index + 1}`;
    copy.compliant200263 = true;
  }
  return emptySampleContent({
    step: 'Summary',
    programmingPlanId: '5d3b9a3c-7f0e-4d6f-9c55-1c1d2e3f4a5b',
    prescriptionId: '7a2c1b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    context: 'Surveillance',
    legalContext: 'A',
    company: {
      siret: null,
      name: 'Vergers des Monts',
      address: null,
      postalCode: null,
      city: 'Vourles',
      nafCode: null,
    },
    geolocation: {
      latitude: 45.65,
      longitude: 4.77,
      accuracy: null,
      source: 'Manual',
      capturedAt: new Date(Date.now() - 3_600_000).toISOString(),
    },
    departmentCode: '69',
    matrixKindCode: 'A01DH',
    matrixCode: 'A01DJ',
    stage: 'PRODUCTION_PRIMAIRE_VEGETALE',
    partSampled: 'FRUIT',
    substances: [{ substanceCode: 'RF-0014-001-PPP', method: 'Multi' }],
    sampledAt: new Date(Date.now() - 3_600_000).toISOString(),
    laboratoryId: '6f1e1a52-2d1c-4d8e-9b7a-0c1f2e3d4a5b',
    items: [item],
    ownerConsent: true,
    ...patch,
  });
}

beforeEach(async () => {
  await resetDbForTests();
});
afterEach(cleanup);

const renderSection = () => renderWithProviders(<LocalSamplesSection user={user} />, { user });

const row = (id: string) => screen.getByTestId(`local-sample-${id}`);

describe('the samples of this device', () => {
  it('lists the user’s samples only, with their state and whether they are ready', async () => {
    const draft = await sampleStore.create(
      user.id,
      emptySampleContent({ departmentCode: '69', parcel: 'Parcelle ZA 112' }),
    );
    const ready = await sampleStore.create(user.id, readyContent());
    const other = await sampleStore.create(
      otherOwnerId,
      emptySampleContent({ parcel: 'Parcelle d’un autre agent' }),
    );
    const syncedId = '4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    await sampleStore.rememberServerSample(
      user.id,
      serverSample(syncedId, readyContent({ parcel: 'Synchronisé déjà' }), {
        reference: 'ARA-26-00077',
        status: 'Submitted',
      }),
    );

    renderSection();
    expect(
      screen.getByRole('heading', { level: 2, name: 'Mes prélèvements sur cet appareil' }),
    ).toBeTruthy();
    await screen.findByTestId(`local-sample-${draft.id}`);

    const draftRow = row(draft.id);
    expect(within(draftRow).getByRole('link').getAttribute('href')).toBe(
      `/prelevements/${draft.id}`,
    );
    expect(within(draftRow).getByRole('link').textContent).toMatch(/^Brouillon local/);
    expect(draftRow.textContent).toContain('Parcelle ZA 112');
    expect(draftRow.textContent).toContain('Matrice non renseignée');
    expect(within(draftRow).getByTestId('sync-state').getAttribute('data-state')).toBe('local');
    expect(within(draftRow).getByText('À compléter')).toBeTruthy();
    expect(within(draftRow).queryByText('Prêt')).toBeNull();
    expect(
      within(draftRow).getByRole('button', { name: 'Supprimer de cet appareil' }),
    ).toBeTruthy();

    const readyRow = row(ready.id);
    expect(readyRow.textContent).toContain('Vergers des Monts');
    expect(readyRow.textContent).toContain('Pommes');
    expect(within(readyRow).getByText('Prêt')).toBeTruthy();
    expect(within(readyRow).queryByText('À compléter')).toBeNull();

    // A synchronised sample: its reference, « Synchronisé », nothing to delete.
    const syncedRow = row(syncedId);
    expect(within(syncedRow).getByRole('link', { name: /^ARA-26-00077/ })).toBeTruthy();
    expect(within(syncedRow).getByText('Synchronisé')).toBeTruthy();
    expect(syncedRow.textContent).toContain('À envoyer');
    expect(
      within(syncedRow).queryByRole('button', { name: 'Supprimer de cet appareil' }),
    ).toBeNull();

    // Another agent of this device never shows.
    expect(screen.queryByTestId(`local-sample-${other.id}`)).toBeNull();
    expect(screen.queryByText('Parcelle d’un autre agent')).toBeNull();

    // The waiting samples come first, then the synchronised ones.
    const ids = screen
      .getAllByTestId(/^local-sample-/)
      .map((element) => element.dataset.testid?.replace('local-sample-', ''));
    expect(ids).toEqual([ready.id, draft.id, syncedId]);

    // The storage of the device and the export of what is not synchronised.
    expect(screen.getByTestId('offline-storage')).toBeTruthy();
    expect(
      screen.getByRole('button', { name: 'Exporter les prélèvements non synchronisés' }),
    ).toBeTruthy();
  });

  it('says when the device holds no sample', async () => {
    await sampleStore.create(otherOwnerId, emptySampleContent());
    renderSection();
    expect((await screen.findByTestId('local-samples-empty')).textContent).toBe(
      'Aucun prélèvement enregistré sur cet appareil.',
    );
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('deletes one stuck sample after a confirmation, never the others', async () => {
    const stuck = await sampleStore.create(user.id, emptySampleContent({ parcel: 'Bloqué' }));
    const kept = await sampleStore.create(user.id, emptySampleContent({ parcel: 'Gardé' }));
    renderSection();
    await screen.findByTestId(`local-sample-${stuck.id}`);

    // Cancelled: nothing is deleted.
    fireEvent.click(
      within(row(stuck.id)).getByRole('button', { name: 'Supprimer de cet appareil' }),
    );
    const question = within(row(stuck.id)).getByRole('alertdialog');
    expect(question.textContent).toContain('Ce prélèvement n’a jamais été envoyé');
    fireEvent.click(within(question).getByRole('button', { name: 'Annuler' }));
    expect(within(row(stuck.id)).queryByRole('alertdialog')).toBeNull();
    expect(await sampleStore.get(stuck.id)).toBeDefined();

    // Confirmed: that sample only.
    fireEvent.click(
      within(row(stuck.id)).getByRole('button', { name: 'Supprimer de cet appareil' }),
    );
    fireEvent.click(
      within(row(stuck.id)).getByRole('button', { name: 'Confirmer la suppression' }),
    );
    await waitFor(() => expect(screen.queryByTestId(`local-sample-${stuck.id}`)).toBeNull());
    expect(await sampleStore.get(stuck.id)).toBeUndefined();
    expect(await sampleStore.get(kept.id)).toBeDefined();
    expect(row(kept.id)).toBeTruthy();
    expect(screen.getByText('Le brouillon local a été supprimé de cet appareil.')).toBeTruthy();
  });
});

describe('the samples listed', () => {
  const sample = (index: number, patch: Partial<LocalSample>): LocalSample => ({
    id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    ownerId: user.id,
    content: emptySampleContent(),
    server: null,
    baseVersion: null,
    dirty: false,
    syncState: 'synced',
    error: null,
    conflict: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    updatedAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    lastSyncedAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    revision: 1,
    sendingRevision: null,
    base: null,
    errorKind: null,
    dirtySince: null,
    pendingAttachments: 0,
    ...patch,
  });

  it('keeps every waiting sample and the latest synchronised ones', () => {
    const synced = Array.from({ length: RECENT_SYNCED_LIMIT + 5 }, (_, index) => sample(index, {}));
    const waiting = [
      sample(100, { dirty: true, syncState: 'pending' }),
      sample(101, { syncState: 'error', dirty: true, error: 'Refusé' }),
      sample(102, { pendingAttachments: 1 }),
    ];
    const shown = localSamplesToShow([...synced, ...waiting]);
    expect(shown.slice(0, 3).map((s) => s.id)).toEqual(
      [waiting[2], waiting[1], waiting[0]].map((s) => s?.id),
    );
    expect(shown).toHaveLength(3 + RECENT_SYNCED_LIMIT);
    // The most recently synchronised first; the oldest five are left out.
    expect(shown[3]?.id).toBe(synced.at(-1)?.id);
    expect(shown.map((s) => s.id)).not.toContain(synced[4]?.id);
  });
});
