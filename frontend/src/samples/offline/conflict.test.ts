import { describe, expect, it } from 'vitest';
import { applyChoices, contentOf, mergeContent, sameValue } from './conflict';
import { emptyContent, serverSample } from './testing';

const company = {
  siret: '12345678900011',
  name: 'Vergers du Rhône',
  address: null,
  postalCode: '69390',
  city: 'Vourles',
  nafCode: null,
};

describe('the three-way merge of a sample', () => {
  const base = emptyContent({ parcel: 'Parcelle 1', contextNotes: 'Avant', company });

  it('takes a field changed on one side only, from that side', () => {
    const mine = { ...base, parcel: 'Parcelle 2' };
    const theirs = { ...base, contextNotes: 'Après' };
    const result = mergeContent(base, mine, theirs);
    expect(result.conflicts).toEqual([]);
    expect(result.merged).toEqual({ ...base, parcel: 'Parcelle 2', contextNotes: 'Après' });
    expect(result.fromMine).toEqual(['parcel']);
    expect(result.fromTheirs).toEqual(['contextNotes']);
  });

  it('merges a field changed the same way on both sides', () => {
    const mine = { ...base, parcel: 'Parcelle 9' };
    const result = mergeContent(base, mine, { ...mine });
    expect(result.conflicts).toEqual([]);
    expect(result.merged.parcel).toBe('Parcelle 9');
  });

  it('lists a field changed differently on both sides, keeping mine until the agent chooses', () => {
    const mine = { ...base, parcel: 'Parcelle 2', ownerName: 'M. Durand' };
    const theirs = { ...base, parcel: 'Parcelle 3', matrixNotes: 'Pommes' };
    const result = mergeContent(base, mine, theirs);
    expect(result.conflicts).toEqual([
      { field: 'parcel', base: 'Parcelle 1', mine: 'Parcelle 2', theirs: 'Parcelle 3' },
    ]);
    expect(result.merged.parcel).toBe('Parcelle 2');
    expect(result.merged.ownerName).toBe('M. Durand');
    expect(result.merged.matrixNotes).toBe('Pommes');
    expect(applyChoices(result, { parcel: 'theirs' })).toEqual({
      ...base,
      parcel: 'Parcelle 3',
      ownerName: 'M. Durand',
      matrixNotes: 'Pommes',
    });
  });

  it('compares objects and lists by value (company, items)', () => {
    const mine = { ...base, company: { ...company, city: 'Lyon' } };
    const theirs = { ...base, company: { ...company, name: 'Vergers du Rhône SARL' } };
    const result = mergeContent(base, mine, theirs);
    expect(result.conflicts.map((conflict) => conflict.field)).toEqual(['company']);

    const items = [
      {
        itemNumber: 1,
        copies: [
          {
            copyNumber: 1,
            quantity: 1,
            unit: 'KG' as const,
            sealNumber: null,
            compliant200263: true,
            recipient: 'Laboratory' as const,
          },
        ],
      },
    ];
    const same = mergeContent(base, { ...base, items }, { ...base, items: structuredClone(items) });
    expect(same.conflicts).toEqual([]);
  });

  it('asks about every difference when the base is unknown, but never about the step', () => {
    const mine = emptyContent({ parcel: 'A', step: 'Items' });
    const theirs = emptyContent({ parcel: 'B', contextNotes: 'Serveur', step: 'Matrix' });
    const result = mergeContent(null, mine, theirs);
    expect(result.conflicts.map((conflict) => conflict.field)).toEqual(['parcel', 'contextNotes']);
    expect(result.merged.step).toBe('Items');
  });

  it('keeps the content fields of a server sample only', () => {
    const content = emptyContent({ parcel: 'P' });
    const server = serverSample('7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', content, { version: 4 });
    expect(contentOf(server)).toEqual(content);
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue([1, 2], [1, 2])).toBe(true);
    expect(sameValue({ a: 1 }, { a: 2 })).toBe(false);
  });
});
