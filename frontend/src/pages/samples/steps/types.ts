import type { AuthUser, Prescription, SampleContent } from '@maestro/shared/schema';

/** What every step of the record receives. */
export interface StepProps {
  sampleId: string;
  content: SampleContent;
  /** Changes some fields of the record (saved in the browser within a second). */
  patch: (patch: Partial<SampleContent>) => void;
  /** The record's problems of this step by field path, once « Suivant » was clicked. */
  errors: Record<string, string>;
  user: AuthUser;
  /** Whether the API answered the last check. */
  online: boolean;
}

/** The programming of the record's plan, as loaded for the matrix step. */
export interface PlanPrescriptions {
  status: 'none' | 'pending' | 'error' | 'success';
  prescriptions: readonly Prescription[];
  matched: Prescription | null;
}
