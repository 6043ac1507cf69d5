import 'fake-indexeddb/auto';
import type { ProgrammingPlan } from '@maestro/shared/schema';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes, useParams } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleStore } from '../../samples/offline';
import { resetDbForTests } from '../../samples/offline/db';
import { renderWithProviders, testUser } from '../../test/render';
import SampleNewPage, { newSampleErrors } from './SampleNewPage';
import { validatedPlansQuery } from './sampleFormQueries';

vi.stubGlobal(
  'fetch',
  vi.fn(() => Promise.reject(new Error('Aucune requête réseau dans ces tests'))),
);

const user = testUser('Sampler');
const plan: ProgrammingPlan = {
  id: '5d3b9a3c-7f0e-4d6f-9c55-1c1d2e3f4a5b',
  year: 2026,
  kind: 'PPV',
  distributionKind: 'REGIONAL',
  status: 'Validated',
  regionalStatuses: [],
  version: 3,
  createdAt: new Date('2025-10-01T10:00:00Z'),
  updatedAt: new Date('2025-12-01T10:00:00Z'),
};

beforeEach(async () => {
  await resetDbForTests();
});
afterEach(cleanup);

function Opened() {
  const { sampleId } = useParams();
  return <p data-testid="opened">{sampleId}</p>;
}

function renderPage() {
  const rendered = renderWithProviders(
    <Routes>
      <Route path="/prelevements/nouveau" element={<SampleNewPage />} />
      <Route path="/prelevements/:sampleId" element={<Opened />} />
    </Routes>,
    { user, path: '/prelevements/nouveau' },
  );
  rendered.queryClient.setQueryData(validatedPlansQuery(user.id).queryKey, [plan]);
  return rendered;
}

describe('the new sample page', () => {
  it('says what is missing in French', () => {
    expect(
      newSampleErrors({
        frame: 'outOfProgramme',
        programmingPlanId: '',
        context: null,
        reason: ' ',
        departmentCode: '',
      }),
    ).toEqual({
      context: 'Choisissez le contexte du prélèvement.',
      reason: 'Indiquez le motif du prélèvement hors programme.',
      departmentCode: 'Choisissez le département du prélèvement.',
    });
  });

  it('pre-fills the department and links to the blank form', async () => {
    renderPage();
    const department = screen.getByLabelText(/^Département du prélèvement/) as HTMLSelectElement;
    expect(department.value).toBe('69');
    const link = screen.getByRole('link', { name: /Télécharger un formulaire vierge/ });
    expect(link.getAttribute('href')).toBe('/api/samples/blank-form?departmentCode=69');
  });

  it('needs a reason out of programme, shown beside the field with the focus on it', async () => {
    renderPage();
    fireEvent.click(screen.getByLabelText(/^Hors programme/));
    fireEvent.click(screen.getByLabelText('Enquête'));
    fireEvent.click(screen.getByRole('button', { name: 'Commencer le prélèvement' }));
    const reason = screen.getByLabelText(/^Motif du prélèvement hors programme/);
    await waitFor(() => expect(document.activeElement).toBe(reason));
    const message = document.getElementById(reason.getAttribute('aria-describedby') ?? '');
    expect(message?.textContent).toBe('Indiquez le motif du prélèvement hors programme.');
  });

  it('creates the sample in the browser, within the only open plan, and opens it', async () => {
    renderPage();
    fireEvent.click(screen.getByLabelText(/^Dans le cadre d’un plan/));
    await waitFor(() =>
      expect((screen.getByLabelText(/^Plan de programmation/) as HTMLSelectElement).value).toBe(
        plan.id,
      ),
    );
    fireEvent.click(screen.getByLabelText('Plan de contrôle'));
    fireEvent.click(screen.getByRole('button', { name: 'Commencer le prélèvement' }));
    const opened = await screen.findByTestId('opened');
    const local = await sampleStore.get(opened.textContent ?? '');
    expect(local?.ownerId).toBe(user.id);
    expect(local?.content).toMatchObject({
      step: 'Context',
      programmingPlanId: plan.id,
      context: 'Control',
      outOfProgrammeReason: null,
      departmentCode: '69',
    });
    expect(local?.content.items).toHaveLength(1);
  });
});
