import { z } from 'zod';
import { Id } from '../common/common';

export const AnalysisMethodField = z.enum(['Mono', 'Multi']);

export const Laboratory = z.object({
  id: Id,
  shortName: z.string(),
  name: z.string(),
  address: z.string(),
  postalCode: z.string(),
  city: z.string(),
  emails: z.array(z.string()),
  regionCode: z.string(),
  methods: z.array(AnalysisMethodField),
});
export type Laboratory = z.infer<typeof Laboratory>;
