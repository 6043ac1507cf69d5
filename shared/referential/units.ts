import { z } from 'zod';

/** Unit of a sampled quantity. */
export const QuantityUnit = z.enum(['G', 'KG', 'ML', 'L', 'UNIT']);
export type QuantityUnit = z.infer<typeof QuantityUnit>;
export const QuantityUnitList = QuantityUnit.options;

export const QuantityUnitLabels: Record<QuantityUnit, string> = {
  G: 'g',
  KG: 'kg',
  ML: 'ml',
  L: 'l',
  UNIT: 'pièce',
};
