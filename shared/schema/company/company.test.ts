import { describe, expect, it } from 'vitest';
import { CompanySearchQuery, isValidSiret, Siret } from './company';

const messages = (value: unknown) =>
  Siret.safeParse(value).error?.issues.map((issue) => issue.message) ?? [];

describe('Siret', () => {
  it('accepts 14 digits with a valid Luhn key, trimmed', () => {
    expect(Siret.parse('81234567600017')).toBe('81234567600017');
    expect(Siret.parse(' 52987654200042 ')).toBe('52987654200042');
  });

  it('refuses a wrong key', () => {
    expect(messages('81234567600018')).toEqual(['SIRET invalide.']);
    expect(messages('81234567600071')).toEqual(['SIRET invalide.']);
  });

  it('refuses anything but 14 digits, with one message', () => {
    for (const value of [
      '',
      '8123456760001',
      '812345676000170',
      '8123456760001A',
      '812 345 676 00017',
    ]) {
      expect(messages(value), value).toEqual(['Le SIRET doit comporter 14 chiffres.']);
    }
    expect(Siret.safeParse(81234567600017).success).toBe(false);
  });

  it('accepts the establishments of La Poste, whose key is a sum of digits', () => {
    // 3+5+6+1+2+3 = 20: a multiple of 5, not a valid Luhn key.
    expect(isValidSiret('35600000000123')).toBe(true);
    expect(isValidSiret('35600000000124')).toBe(false);
  });
});

describe('CompanySearchQuery', () => {
  it('trims the search and bounds its length, in French', () => {
    expect(CompanySearchQuery.parse({ q: '  jardins ' })).toEqual({ q: 'jardins' });
    expect(CompanySearchQuery.safeParse({ q: ' ab ' }).error?.issues[0]?.message).toBe(
      'La recherche doit comporter au moins 3 caractères.',
    );
    expect(CompanySearchQuery.safeParse({ q: 'a'.repeat(201) }).error?.issues[0]?.message).toBe(
      'La recherche doit comporter au plus 200 caractères.',
    );
  });

  it('accepts metropolitan, Corsican and overseas department codes', () => {
    for (const departmentCode of ['69', '01', '2A', '2B', '974']) {
      expect(
        CompanySearchQuery.safeParse({ q: 'abc', departmentCode }).success,
        departmentCode,
      ).toBe(true);
    }
    for (const departmentCode of ['6', '2C', '9740', 'ab']) {
      expect(
        CompanySearchQuery.safeParse({ q: 'abc', departmentCode }).success,
        departmentCode,
      ).toBe(false);
    }
  });
});
