import 'fake-indexeddb/auto';
import type { SampleListItem, SamplePage } from '@maestro/shared/schema';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetDbForTests } from '../../samples/offline/db';
import { emptyContent, serverSample } from '../../samples/offline/testing';
import { renderWithProviders, testLaboratory, testUser } from '../../test/render';
import SampleRecordPage from '../samples/SampleRecordPage';
import SamplesPage from '../samples/SamplesPage';
import { orderAnalyses } from './SampleAnalysesSection';
import { inReview, json, mockApi, sampleId, testAnalysis } from './testData';

configure({ asyncUtilTimeout: 5000 });
beforeEach(async () => {
  await resetDbForTests();
});
afterEach(cleanup);

const first = inReview({
  status: 'Completed',
  compliant: false,
  createdAt: '2026-03-10T16:00:00.000Z',
});
const counter = testAnalysis({
  id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918',
  copyNumber: 2,
  copyReference: 'ARA-26-00042-A-2',
  counterAnalysis: true,
  status: 'Sent',
  createdAt: '2026-03-20T10:00:00.000Z',
});
const itemB = testAnalysis({
  id: '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f',
  itemNumber: 2,
  copyReference: 'ARA-26-00042-B-1',
  status: 'Analysis',
});

/** The title of the page and its badges. */
const header = async () =>
  (await screen.findByRole('heading', { level: 1, name: 'Prélèvement ARA-26-00042' }))
    .parentElement as HTMLElement;

function openSample(compliant: boolean | null) {
  const sample = serverSample(sampleId, emptyContent({ departmentCode: '69' }), {
    reference: 'ARA-26-00042',
    status: 'Completed',
    sentAt: '2026-03-10T16:00:00.000Z',
    submittedAt: '2026-03-10T15:00:00.000Z',
    compliant,
  });
  const api = mockApi({
    [`GET /api/samples/${sampleId}`]: () => json(sample),
    [`GET /api/samples/${sampleId}/analyses`]: () => json([itemB, counter, first]),
  });
  renderWithProviders(
    <Routes>
      <Route path="/prelevements/:sampleId" element={<SampleRecordPage />} />
    </Routes>,
    { user: testUser('RegionalCoordinator'), path: `/prelevements/${sampleId}` },
  );
  return api;
}

describe('the sample record', () => {
  it('flags a non-compliant sample at the top, and lists its analyses with the counter-analysis beside the first', async () => {
    openSample(false);
    const badge = await within(await header()).findByTestId('compliance-badge');
    expect(badge.textContent).toBe('Non conforme');
    expect(badge.className).toContain('fr-badge--error');

    const section = await screen.findByTestId('sample-analyses');
    await waitFor(() => expect(within(section).getAllByRole('row')).toHaveLength(4));
    const rows = within(section).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getByRole('link').textContent)).toEqual([
      'ARA-26-00042-A-1',
      'ARA-26-00042-A-2',
      'ARA-26-00042-B-1',
    ]);
    expect(
      within(rows[0] as HTMLElement)
        .getByRole('link')
        .getAttribute('href'),
    ).toBe(`/analyses/${first.id}`);
    expect(rows[0]?.textContent).toContain('LDA 69');
    expect(rows[0]?.textContent).toContain('Terminée');
    expect(rows[0]?.textContent).toContain('Non conforme');
    expect(rows[1]?.textContent).toContain('Contre-analyse');
    expect(rows[1]?.textContent).toContain('À réceptionner');
  });

  it('shows no verdict before every analysis is decided, and « Conforme » after', async () => {
    openSample(null);
    const section = await screen.findByTestId('sample-analyses');
    await waitFor(() => expect(within(section).getAllByRole('row')).toHaveLength(4));
    expect(within(await header()).getByText('Terminé')).toBeDefined();
    expect(within(await header()).queryByTestId('compliance-badge')).toBeNull();
    cleanup();
    await resetDbForTests();
    openSample(true);
    expect((await within(await header()).findByTestId('compliance-badge')).textContent).toBe(
      'Conforme',
    );
  });

  it('orders the analyses by item, the counter-analyses after the first ones', () => {
    expect(orderAnalyses([itemB, counter, first]).map((a) => a.copyReference)).toEqual([
      'ARA-26-00042-A-1',
      'ARA-26-00042-A-2',
      'ARA-26-00042-B-1',
    ]);
  });
});

describe('the samples list', () => {
  const item = (patch: Partial<SampleListItem>): SampleListItem => ({
    id: sampleId,
    reference: 'ARA-26-00042',
    status: 'Completed',
    step: 'Summary',
    programmingPlanId: null,
    context: 'Surveillance',
    regionCode: '84',
    departmentCode: '69',
    matrixKindCode: 'A01DH',
    matrixCode: 'A01DJ',
    matrixFreeText: null,
    companyName: 'Vergers du Lyonnais',
    companySiret: null,
    sampledAt: '2026-03-10T09:00:00.000Z',
    laboratoryId: testLaboratory.id,
    sampler: { id: '2c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f', firstName: 'Léa', lastName: 'Fontaine' },
    updatedAt: '2026-03-12T10:00:00.000Z',
    compliant: false,
    ...patch,
  });
  const page: SamplePage = {
    items: [
      item({}),
      item({
        id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        reference: 'ARA-26-00043',
        compliant: true,
      }),
      item({
        id: '2a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        reference: 'ARA-26-00044',
        compliant: null,
        status: 'Analysis',
      }),
    ],
    total: 3,
    page: 1,
    perPage: 20,
    statusCounts: {
      Draft: 0,
      Submitted: 0,
      Sent: 0,
      NotAdmissible: 0,
      Analysis: 1,
      InReview: 0,
      Completed: 2,
    },
  };

  it('shows the verdict in the status column, and filters by compliance', async () => {
    const api = mockApi({ 'GET /api/samples': () => json(page) });
    renderWithProviders(<SamplesPage />, {
      user: testUser('RegionalCoordinator'),
      path: '/prelevements?conformite=non-conforme',
    });
    const row = await screen.findByTestId('sample-ARA-26-00042');
    expect(within(row).getByTestId('compliance-badge').textContent).toBe('Non conforme');
    expect(
      within(screen.getByTestId('sample-ARA-26-00043')).getByTestId('compliance-badge').textContent,
    ).toBe('Conforme');
    expect(
      within(screen.getByTestId('sample-ARA-26-00044')).queryByTestId('compliance-badge'),
    ).toBeNull();
    const query = () =>
      new URLSearchParams(api.callsOf('GET', '/api/samples').at(-1)?.url.split('?')[1] ?? '');
    expect(query().get('compliant')).toBe('false');
    expect(screen.getByLabelText('Conformité')).toHaveProperty('value', 'non-conforme');
    fireEvent.change(screen.getByLabelText('Conformité'), { target: { value: 'conforme' } });
    await waitFor(() => expect(query().get('compliant')).toBe('true'));
    fireEvent.change(screen.getByLabelText('Conformité'), { target: { value: '' } });
    await waitFor(() => expect(query().get('compliant')).toBeNull());
  });
});
