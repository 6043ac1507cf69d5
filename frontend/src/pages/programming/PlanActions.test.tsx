import type { Role } from '@maestro/shared/schema';
import { type ProgrammingPlan, RoleList } from '@maestro/shared/schema';
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, testUser } from '../../test/render';
import { PlanActions } from './PlanActions';
import { planTabs } from './PlanPage';
import { testPlan } from './testData';

vi.stubGlobal(
  'fetch',
  vi.fn(() => Promise.reject(new Error('Aucune requête réseau dans ces tests'))),
);
afterEach(cleanup);

const shownActions = (plan: ProgrammingPlan, role: Role, regionCode?: string) => {
  const user = testUser(role);
  renderWithProviders(
    <PlanActions
      plan={plan}
      user={regionCode ? { ...user, regionCode } : user}
      onChanged={() => Promise.resolve()}
      onReload={() => Promise.resolve()}
    />,
    { user },
  );
  const buttons = screen.queryByTestId('plan-actions')
    ? Array.from(screen.getByTestId('plan-actions').querySelectorAll('button'), (button) =>
        button.textContent.trim(),
      )
    : [];
  cleanup();
  return buttons;
};

const everyRole = (plan: ProgrammingPlan) =>
  Object.fromEntries(RoleList.map((role) => [role, shownActions(plan, role)]));

const submitted = (
  distributionKind: ProgrammingPlan['distributionKind'],
  araStatus: ProgrammingPlan['regionalStatuses'][number]['status'] = 'Pending',
) =>
  testPlan({
    status: 'SubmittedToRegion',
    distributionKind,
    regionalStatuses: [
      { regionCode: '11', status: 'Pending' },
      { regionCode: '84', status: araStatus },
    ],
  });

describe('the plan actions shown per role', () => {
  it('offers the sending to the regions to the national coordinator only, while in progress', () => {
    expect(everyRole(testPlan())).toEqual({
      Administrator: [],
      NationalCoordinator: ['Envoyer aux régions'],
      NationalObserver: [],
      RegionalCoordinator: [],
      RegionalObserver: [],
      DepartmentalCoordinator: [],
      DepartmentalObserver: [],
      Sampler: [],
      LaboratoryUser: [],
    });
  });

  it('offers the approval to the coordinator of a pending region of a regional plan', () => {
    expect(everyRole(submitted('REGIONAL'))).toMatchObject({
      NationalCoordinator: [],
      RegionalCoordinator: ['Approuver la programmation régionale'],
      RegionalObserver: [],
      DepartmentalCoordinator: [],
    });
    // A region without samples, or that already approved, has nothing to do.
    expect(shownActions(submitted('REGIONAL'), 'RegionalCoordinator', '53')).toEqual([]);
    expect(shownActions(submitted('REGIONAL', 'Approved'), 'RegionalCoordinator')).toEqual([]);
  });

  it('offers the sending to the departments for a departmental plan', () => {
    expect(shownActions(submitted('DEPARTMENTAL'), 'RegionalCoordinator')).toEqual([
      'Envoyer aux départements',
    ]);
  });

  it('offers the validation, then the closing, to the national coordinator', () => {
    const approved = testPlan({
      status: 'ApprovedByRegion',
      regionalStatuses: [{ regionCode: '84', status: 'Approved' }],
    });
    expect(everyRole(approved)).toMatchObject({
      NationalCoordinator: ['Valider et ouvrir la campagne'],
      NationalObserver: [],
      RegionalCoordinator: [],
      Administrator: [],
    });
    expect(shownActions(testPlan({ status: 'Validated' }), 'NationalCoordinator')).toEqual([
      'Clôturer la campagne',
    ]);
    expect(shownActions(testPlan({ status: 'Closed' }), 'NationalCoordinator')).toEqual([]);
    // Nothing to validate while a region is pending.
    expect(shownActions(submitted('REGIONAL'), 'NationalCoordinator')).toEqual([]);
  });

  it('opens a confirmation modal for each action', () => {
    renderWithProviders(
      <PlanActions
        plan={testPlan()}
        user={testUser('NationalCoordinator')}
        onChanged={() => Promise.resolve()}
        onReload={() => Promise.resolve()}
      />,
    );
    const button = screen.getByRole('button', { name: 'Envoyer aux régions' });
    const modal = document.getElementById(button.getAttribute('aria-controls') ?? '');
    expect(modal?.tagName).toBe('DIALOG');
    expect(modal?.textContent).toContain(
      'Les prescriptions et la répartition nationale ne pourront plus être modifiées.',
    );
  });
});

describe('the sections of the plan page per role', () => {
  const tabsOf = (plan: ProgrammingPlan) =>
    Object.fromEntries(
      RoleList.map((role) => [role, planTabs(testUser(role), plan).map((tab) => tab.label)]),
    );

  it('shows the national sections to national roles, and comments once sent', () => {
    expect(tabsOf(testPlan())).toMatchObject({
      NationalCoordinator: ['Prescriptions', 'Répartition nationale'],
      NationalObserver: ['Prescriptions', 'Répartition nationale'],
      Administrator: ['Prescriptions', 'Répartition nationale'],
    });
    expect(tabsOf(submitted('REGIONAL'))).toEqual({
      Administrator: [
        'Prescriptions',
        'Répartition nationale',
        'Répartition régionale',
        'Commentaires',
      ],
      NationalCoordinator: [
        'Prescriptions',
        'Répartition nationale',
        'Répartition régionale',
        'Commentaires',
      ],
      NationalObserver: [
        'Prescriptions',
        'Répartition nationale',
        'Répartition régionale',
        'Commentaires',
      ],
      RegionalCoordinator: ['Prescriptions', 'Répartition nationale', 'Ma région', 'Commentaires'],
      RegionalObserver: ['Prescriptions', 'Répartition nationale', 'Ma région', 'Commentaires'],
      DepartmentalCoordinator: [],
      DepartmentalObserver: [],
      Sampler: [],
      LaboratoryUser: [],
    });
  });
});
