import { createHash } from 'node:crypto';
import type { Db } from '@maestro/database';
import { DEMO_PASSWORD, demoEmail } from '@maestro/database/demo';
import type { ResidueInput, ResultsContent, SampleContent } from '@maestro/shared/schema';
import { completeSampleContent } from '../../test/sampleContent';
import type { Random } from './random';

/** What the load refers to in the demo data set, read from the database once it is seeded. */
export interface DemoReferences {
  year: number;
  /** The validated demo plan and its line for fruits at primary production. */
  planId: string;
  prescriptionId: string;
  matrixCode: string;
  /** The demo laboratory user's laboratory: the samples are addressed to it. */
  laboratoryId: string;
  /** Multi-residue substances, for the results and the prescriptions. */
  substances: string[];
  password: string;
  emails: {
    sampler: string;
    laboratory: string;
    departmental: string;
    national: string;
  };
}

/** Reads the references from the demo data set the server seeded at its first start. */
export async function loadDemoReferences(db: Db): Promise<DemoReferences> {
  const plan = await db('programmingPlans').where({ status: 'Validated' }).first('id', 'year');
  const prescription = await db('prescriptions')
    .where({ planId: plan.id, matrixKindCode: 'A01DH' })
    .first('id');
  const matrix = await db('matrices').where({ kindCode: 'A01DH' }).orderBy('code').first('code');
  const laboratory = await db('users')
    .where({ email: demoEmail('LaboratoryUser') })
    .first('laboratoryId');
  const substances = (
    (await db('prescriptionSubstances')
      .where({ prescriptionId: prescription.id })
      .orderBy('substanceCode')
      .select('substanceCode')) as { substanceCode: string }[]
  ).map((row) => row.substanceCode);
  return {
    year: plan.year,
    planId: plan.id,
    prescriptionId: prescription.id,
    matrixCode: matrix.code,
    laboratoryId: laboratory.laboratoryId,
    substances,
    password: DEMO_PASSWORD,
    emails: {
      sampler: demoEmail('Sampler'),
      laboratory: demoEmail('LaboratoryUser'),
      departmental: demoEmail('DepartmentalCoordinator'),
      national: demoEmail('NationalCoordinator'),
    },
  };
}

/** What a sample creation wrote, as the verification compares it. */
export interface SampleExpectation {
  [key: string]: unknown;
  itemCount: number;
  /** `item-copy:seal`, sorted. */
  seals: string[];
  contextNotes: string;
}

/** A complete record with its own seal numbers and notes, so that it is recognisable. */
export function sampleContent(
  references: DemoReferences,
  label: string,
  itemCount: number,
): { content: SampleContent; expect: SampleExpectation } {
  const content = completeSampleContent(
    {
      planId: references.planId,
      prescriptionId: references.prescriptionId,
      laboratoryId: references.laboratoryId,
    },
    {
      matrixCode: references.matrixCode,
      substances: references.substances
        .slice(0, 3)
        .map((substanceCode) => ({ substanceCode, method: 'Multi' as const })),
      contextNotes: `Prélèvement ${label} (test d’arrêt brutal)`,
    },
    itemCount,
  );
  for (const item of content.items)
    for (const copy of item.copies)
      copy.sealNumber = `${label}-${item.itemNumber}-${copy.copyNumber}`;
  const seals = content.items
    .flatMap((item) =>
      item.copies.map((copy) => `${item.itemNumber}-${copy.copyNumber}:${copy.sealNumber}`),
    )
    .sort();
  return { content, expect: { itemCount, seals, contextNotes: content.contextNotes ?? '' } };
}

/** One residue as the verification compares it. */
export interface ResidueExpectation {
  substanceCode: string;
  kind: 'ND' | 'NQ' | 'Q';
  value: number | null;
}

const residue = (expected: ResidueExpectation): ResidueInput => ({
  substanceCode: expected.substanceCode,
  kind: expected.kind,
  value: expected.value,
  unit: 'mg/kg',
  loq: expected.kind === 'ND' ? null : 0.001,
  mrl: null,
  uncertaintyPercent: null,
  analytes: [],
  notes: '',
  arfdExceeded: null,
  authorisedForUse: null,
  contaminationSources: '',
});

/**
 * The results of one version of an analysis: the same for a given analysis and version, so
 * that a save sent again after a cut writes the same thing. Some are all « non détecté » (the
 * submission then completes the analysis at once).
 */
export function resultsOf(
  random: Random,
  substances: readonly string[],
): { content: ResultsContent; residues: ResidueExpectation[] } {
  const allNotDetected = random.chance(0.3);
  const chosen = random.subset(substances.slice(0, 8), 1).slice(0, random.int(1, 6));
  const residues = chosen.map((substanceCode): ResidueExpectation => {
    const kind = allNotDetected ? 'ND' : random.pick(['ND', 'NQ', 'Q'] as const);
    return {
      substanceCode,
      kind,
      value: kind === 'Q' ? Math.round(random.int(2, 400)) / 1000 : null,
    };
  });
  return {
    content: {
      analysedAt: new Date().toISOString().slice(0, 10),
      methods: ['Multi'],
      residues: residues.map(residue),
      notes: '',
    },
    residues,
  };
}

/** A small signed report (a PDF as far as the server's check goes), unique to the analysis. */
export function reportOf(analysisId: string): { body: Buffer; sha256: string } {
  const body = Buffer.from(
    `%PDF-1.4\n% Rapport d'analyse ${analysisId}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`,
  );
  return { body, sha256: createHash('sha256').update(body).digest('hex') };
}
