import type { Session } from '@maestro/shared/contract';
import type { User } from '@maestro/shared/schema';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { canImpersonate, ImpersonateSection } from '../pages/users/ImpersonateSection';
import { renderWithProviders, testUser } from '../test/render';
import { ImpersonationBanner, pageLoad } from './ImpersonationBanner';

const administrator = {
  ...testUser('Administrator'),
  id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  firstName: 'Alice',
  lastName: 'Support',
};
const sampler = { ...testUser('Sampler'), firstName: 'Paul', lastName: 'Terrain' };
const account = (overrides: Partial<User> = {}): User => ({
  ...sampler,
  disabled: false,
  lastLoginAt: null,
  createdAt: new Date('2026-01-05T09:00:00.000Z'),
  updatedAt: new Date('2026-01-05T09:00:00.000Z'),
  version: 1,
  ...overrides,
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
let answer: () => Response;
const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => answer());
vi.stubGlobal('fetch', fetchMock);
const load = vi.spyOn(pageLoad, 'at').mockImplementation(() => {});

beforeEach(() => {
  fetchMock.mockClear();
  load.mockClear();
});
afterEach(cleanup);

describe('who may act as whom', () => {
  it('an administrator, for an active account that is not an administrator nor themselves', () => {
    expect(canImpersonate(administrator, account())).toBe(true);
    expect(canImpersonate(administrator, account({ disabled: true }))).toBe(false);
    expect(canImpersonate(administrator, account({ ...administrator }))).toBe(false);
    expect(
      canImpersonate(administrator, account({ ...testUser('Administrator'), id: sampler.id })),
    ).toBe(false);
    for (const role of ['NationalCoordinator', 'RegionalCoordinator', 'Sampler'] as const)
      expect(canImpersonate(testUser(role), account({ id: administrator.id }))).toBe(false);
  });
});

describe('the support session', () => {
  it('starts from the user page and loads the application as that user', async () => {
    answer = () => json({ user: sampler, impersonatedBy: administrator } satisfies Session);
    renderWithProviders(<ImpersonateSection user={account()} />, { user: administrator });
    expect(screen.getByRole('heading', { name: 'Assistance' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Agir en tant que Paul Terrain' }));
    await waitFor(() => expect(load).toHaveBeenCalledWith('/'));
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(String(url)).toBe('/api/auth/impersonation');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ userId: sampler.id });
  });

  it('says why it was refused, and stays', async () => {
    answer = () =>
      json(
        {
          error: 'Conflict',
          message: 'Ce compte est désactivé : impossible d’agir en son nom.',
          issues: [],
        },
        409,
      );
    renderWithProviders(<ImpersonateSection user={account()} />, { user: administrator });
    fireEvent.click(screen.getByRole('button', { name: 'Agir en tant que Paul Terrain' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Ce compte est désactivé : impossible d’agir en son nom.',
    );
    expect(load).not.toHaveBeenCalled();
  });

  it('is announced on every page, with both names and the way back', async () => {
    answer = () => json({ user: administrator, impersonatedBy: null } satisfies Session);
    renderWithProviders(
      <ImpersonationBanner session={{ user: sampler, impersonatedBy: administrator }} />,
      { user: sampler },
    );
    const banner = screen.getByRole('region', {
      name: 'Assistance : vous agissez en tant que Paul Terrain (Préleveur).',
    });
    expect(banner.textContent).toContain('sous son nom et sous le vôtre (Alice Support)');
    fireEvent.click(screen.getByRole('button', { name: 'Revenir à mon compte' }));
    await waitFor(() => expect(load).toHaveBeenCalledWith('/utilisateurs'));
    expect(fetchMock.mock.calls[0]?.[1]?.method).toBe('DELETE');
  });

  it('shows nothing outside a support session', () => {
    const { container } = renderWithProviders(
      <ImpersonationBanner session={{ user: sampler, impersonatedBy: null }} />,
      { user: sampler },
    );
    expect(container.textContent).toBe('');
  });
});
