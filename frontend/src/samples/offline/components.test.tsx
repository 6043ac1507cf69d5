import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, testUser } from '../../test/render';
import { ConflictResolver } from './ConflictResolver';
import { contentOf } from './conflict';
import { resetDbForTests } from './db';
import { SyncBadge } from './SyncBadge';
import { SyncStateBadge } from './SyncStateBadge';
import { initialEngineState, publishStatus } from './status';
import { sampleStore } from './store';
import { emptyContent, ownerId, serverSample } from './testing';
import type { LocalSample } from './types';

// The status is published outside React (by the engine): tests wrap it in act().
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

vi.stubGlobal(
  'fetch',
  vi.fn(() => Promise.reject(new TypeError('Aucune requête réseau dans ces tests'))),
);

beforeEach(async () => {
  await resetDbForTests();
});
afterEach(() => {
  cleanup();
  act(() => publishStatus(initialEngineState));
});

const localSample = (patch: Partial<LocalSample> = {}): LocalSample => ({
  id: '2b4c6d8e-1f3a-4b5c-9d7e-0a1b2c3d4e5f',
  ownerId,
  content: emptyContent(),
  server: null,
  baseVersion: null,
  dirty: true,
  syncState: 'local',
  error: null,
  conflict: null,
  createdAt: '2026-03-02T08:00:00.000Z',
  updatedAt: '2026-03-02T08:00:00.000Z',
  lastSyncedAt: null,
  revision: 1,
  sendingRevision: null,
  base: null,
  errorKind: null,
  dirtySince: '2026-03-02T08:00:00.000Z',
  pendingAttachments: 0,
  ...patch,
});

describe('the sync badge', () => {
  it('says what waits, when it last synced, and announces it politely', () => {
    renderWithProviders(<SyncBadge userId={ownerId} />, { user: testUser('Sampler') });
    expect(screen.getByRole('status').getAttribute('aria-live')).toBe('polite');
    expect(screen.getByText('Synchronisé')).toBeTruthy();
    expect(screen.getByText('Aucune synchronisation sur cet appareil')).toBeTruthy();

    act(() =>
      publishStatus({
        pending: 3,
        online: false,
        lastSyncedAt: new Date().toISOString(),
        authRequired: true,
        oldestUnsyncedAt: new Date(Date.now() - 4 * 24 * 3600_000).toISOString(),
      }),
    );
    expect(screen.getByText('3 en attente')).toBeTruthy();
    expect(screen.getByText('Hors ligne')).toBeTruthy();
    expect(screen.getByText(/^Dernière synchronisation à \d\d:\d\d$/)).toBeTruthy();
    expect(screen.getByText('Session expirée : reconnectez-vous pour synchroniser.')).toBeTruthy();
    expect(screen.getByText(/attendent depuis plus de 3 jours/)).toBeTruthy();
    expect(
      screen.getByRole<HTMLButtonElement>('button', { name: 'Synchroniser maintenant' }).disabled,
    ).toBe(false);
  });
});

describe('the state of one sample', () => {
  it.each([
    ['local', 'Brouillon local'],
    ['pending', 'En attente'],
    ['syncing', 'Envoi en cours'],
    ['synced', 'Synchronisé'],
    ['conflict', 'Conflit'],
  ] as const)('shows %s as « %s »', (syncState, label) => {
    renderWithProviders(<SyncStateBadge sample={localSample({ syncState })} />);
    expect(screen.getByText(label)).toBeTruthy();
  });

  it('shows the reason of an error with « Réessayer », and missing files', () => {
    const onRetry = vi.fn();
    renderWithProviders(
      <SyncStateBadge
        live
        onRetry={onRetry}
        sample={localSample({
          syncState: 'error',
          error: 'Le département est invalide.',
          pendingAttachments: 2,
        })}
      />,
    );
    expect(screen.getByRole('status').getAttribute('aria-live')).toBe('polite');
    expect(screen.getByText('Erreur')).toBeTruthy();
    expect(screen.getByText('Le département est invalide.')).toBeTruthy();
    expect(screen.getByText('Pièces jointes manquantes')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Réessayer' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });
});

describe('the conflict resolver', () => {
  it('shows both values of each field changed on both sides and applies the choices', async () => {
    const id = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    const base = emptyContent({ parcel: 'P1', ownerName: 'A', contextNotes: 'Avant' });
    await sampleStore.rememberServerSample(ownerId, serverSample(id, base));
    await sampleStore.update(id, { ...base, parcel: 'P-local', ownerName: 'Local' });
    const server = serverSample(
      id,
      { ...base, parcel: 'P-serveur', ownerName: 'Serveur', contextNotes: 'Après' },
      { version: 2 },
    );
    const sample = await sampleStore.putServerChange(id, server, true);
    expect(sample.syncState).toBe('conflict');

    renderWithProviders(<ConflictResolver sample={sample} />, { user: testUser('Sampler') });
    expect(screen.getByRole('group', { name: 'Parcelle' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Nom du détenteur' })).toBeTruthy();
    expect(screen.getByText(/Repris du serveur.*Notes sur le contexte/)).toBeTruthy();
    expect(screen.getByText('P-local')).toBeTruthy();
    expect(screen.getByText('P-serveur')).toBeTruthy();

    const parcel = screen.getByRole('group', { name: 'Parcelle' });
    const theirs = parcel.querySelector<HTMLInputElement>('input[value="theirs"]');
    fireEvent.click(theirs as HTMLInputElement);
    fireEvent.click(screen.getByRole('button', { name: 'Appliquer mes choix' }));
    await waitFor(async () => {
      expect(await sampleStore.get(id)).toMatchObject({
        syncState: 'pending',
        conflict: null,
        baseVersion: 2,
        content: { parcel: 'P-serveur', ownerName: 'Local', contextNotes: 'Après' },
      });
    });
    expect(contentOf(server).parcel).toBe('P-serveur');
  });
});
