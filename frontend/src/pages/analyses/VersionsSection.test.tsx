import type { ResultVersion, Role } from '@maestro/shared/schema';
import { cleanup, configure, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithProviders, testUser } from '../../test/render';
import { analysisId, inReview, json, mockApi, testResidue } from './testData';
import { canDownloadImportFile, VersionsSection } from './VersionsSection';

configure({ asyncUtilTimeout: 5000 });
afterEach(cleanup);

const importId = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const otherLaboratoryId = '8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d';

const version = (overrides: Partial<ResultVersion> = {}): ResultVersion => ({
  resultVersion: 1,
  source: 'Import',
  reason: null,
  createdAt: '2026-03-12T15:00:00.000Z',
  authorName: 'Lou Bernard',
  importId,
  computedCompliant: false,
  residues: [testResidue()],
  ...overrides,
});

function renderVersions(versions: ResultVersion[], user = testUser('LaboratoryUser')) {
  mockApi({ [`GET /api/analyses/${analysisId}/versions`]: () => json(versions) });
  return renderWithProviders(<VersionsSection analysis={inReview()} />, { user });
}

describe('the file of an imported version', () => {
  it('is a download link for the laboratory that imported it', async () => {
    renderVersions([version()]);
    const mention = await screen.findByTestId('version-1-import');
    expect(
      within(mention).getByRole('link', { name: 'Fichier importé' }).getAttribute('href'),
    ).toBe(`/api/analysis-imports/${importId}/file`);
    expect(screen.getByTestId('analysis-versions').textContent).toContain(
      'Une seule version : Version 1 (en vigueur) — Import de fichier',
    );
  });

  it('is only mentioned to whom may not download it', async () => {
    renderVersions([version()], testUser('RegionalCoordinator'));
    const mention = await screen.findByTestId('version-1-import');
    expect(mention.textContent).toBe('Importé d’un fichier.');
    expect(within(mention).queryByRole('link')).toBeNull();
    cleanup();

    renderVersions([version()], { ...testUser('LaboratoryUser'), laboratoryId: otherLaboratoryId });
    expect((await screen.findByTestId('version-1-import')).textContent).toBe(
      'Importé d’un fichier.',
    );
  });

  it('shows on the imported versions only, among several', async () => {
    renderVersions(
      [
        version({
          resultVersion: 2,
          source: 'Form',
          reason: 'Erreur de report.',
          importId: null,
          computedCompliant: true,
        }),
        version(),
      ],
      testUser('Administrator'),
    );
    const details = await within(await screen.findByTestId('analysis-versions')).findAllByRole(
      'group',
    );
    expect(details).toHaveLength(2);
    expect(within(details[0]!).queryByTestId('version-2-import')).toBeNull();
    expect(within(details[1]!).getByRole('link', { name: 'Fichier importé' })).toBeDefined();
  });

  it('may be downloaded by its laboratory, the national roles and the administrators', () => {
    const analysis = inReview();
    const may = (role: Role, laboratoryId: string | null = null) =>
      canDownloadImportFile({ role, laboratoryId }, analysis);
    expect(may('LaboratoryUser', analysis.laboratoryId)).toBe(true);
    expect(may('LaboratoryUser', otherLaboratoryId)).toBe(false);
    expect(may('Administrator')).toBe(true);
    expect(may('NationalCoordinator')).toBe(true);
    expect(may('NationalObserver')).toBe(true);
    for (const role of [
      'RegionalCoordinator',
      'RegionalObserver',
      'DepartmentalCoordinator',
      'DepartmentalObserver',
      'Sampler',
    ] as const)
      expect(may(role), role).toBe(false);
  });
});
