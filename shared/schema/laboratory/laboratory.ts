import { z } from 'zod';
import { AnalysisMethod } from '../../referential/methods';
import { Id } from '../common/common';

export const Laboratory = z.object({
  id: Id,
  shortName: z.string(),
  name: z.string(),
  address: z.string(),
  postalCode: z.string(),
  city: z.string(),
  emails: z.array(z.string()),
  regionCode: z.string(),
  methods: z.array(AnalysisMethod),
});
export type Laboratory = z.infer<typeof Laboratory>;
