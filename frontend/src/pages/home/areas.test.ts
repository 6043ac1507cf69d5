import { describe, expect, it } from 'vitest';
import { roleAreas } from './areas';

const pathOf = (role: Parameters<typeof roleAreas>[0], area: string) =>
  roleAreas(role).find((entry) => entry.area === area)?.path;

describe('roleAreas', () => {
  it('links the laboratories and referentials areas for the administrator who manages them', () => {
    expect(pathOf('Administrator', 'laboratories')).toBe('/laboratoires');
    expect(pathOf('Administrator', 'referentials')).toBe('/referentiel/lmr');
    expect(pathOf('Administrator', 'analyses')).toBe('/analyses');
  });

  it('shows those areas without a link to roles that may only read them', () => {
    expect(pathOf('LaboratoryUser', 'laboratories')).toBeNull();
    expect(pathOf('RegionalCoordinator', 'referentials')).toBeNull();
    expect(pathOf('Sampler', 'samples')).toBe('/prelevements');
  });
});
