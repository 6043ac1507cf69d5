import { z } from 'zod';

/** SIREN of La Poste: its establishments' SIRET follow a sum-of-digits rule instead of Luhn. */
const LA_POSTE_SIREN = '356000000';

/** Luhn checksum of a string of digits (the key of SIREN and SIRET numbers). */
export function hasValidLuhnKey(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Whether a 14-digit string is a SIRET whose key is right. */
export function isValidSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  if (hasValidLuhnKey(siret)) return true;
  if (siret.startsWith(LA_POSTE_SIREN)) {
    const sum = [...siret].reduce((total, digit) => total + Number(digit), 0);
    return sum % 5 === 0;
  }
  return false;
}

/** An establishment number as typed by a user: 14 digits with a valid key. */
export const Siret = z
  .string()
  .trim()
  .regex(/^\d{14}$/, { message: 'Le SIRET doit comporter 14 chiffres.', abort: true })
  .refine(isValidSiret, { message: 'SIRET invalide.' });
export type Siret = z.infer<typeof Siret>;

/**
 * An establishment found in the public company directory. The data comes from the
 * administration as is: only the identifiers' format is checked, not their key.
 */
export const Company = z.object({
  siret: z.string().regex(/^\d{14}$/),
  siren: z.string().regex(/^\d{9}$/),
  name: z.string().min(1),
  address: z.string().nullable(),
  postalCode: z.string().nullable(),
  city: z.string().nullable(),
  departmentCode: z.string().nullable(),
  /** Main activity code (NAF), e.g. `01.13Z`. */
  nafCode: z.string().nullable(),
  latitude: z.number().min(-90).max(90).nullable(),
  longitude: z.number().min(-180).max(180).nullable(),
});
export type Company = z.infer<typeof Company>;

export const CompanySearchQuery = z.object({
  /** A SIRET, a SIREN or (part of) a name. */
  q: z
    .string()
    .trim()
    .min(3, { message: 'La recherche doit comporter au moins 3 caractères.' })
    .max(200, { message: 'La recherche doit comporter au plus 200 caractères.' }),
  departmentCode: z
    .string()
    .regex(/^(?:\d{2,3}|2[AB])$/, { message: 'Code département invalide.' })
    .optional(),
});
export type CompanySearchQuery = z.infer<typeof CompanySearchQuery>;

export const CompanySearchResult = z.object({
  companies: z.array(Company),
  /**
   * False when the public directory could not be reached (or answered nonsense): the user
   * then types the company by hand.
   */
  available: z.boolean(),
});
export type CompanySearchResult = z.infer<typeof CompanySearchResult>;
