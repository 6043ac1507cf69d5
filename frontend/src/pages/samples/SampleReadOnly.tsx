import { hasPermission } from '@maestro/shared/domain';
import type { AuthUser, Sample, SampleContent } from '@maestro/shared/schema';
import { SampleAnalysesSection } from '../analyses/SampleAnalysesSection';
import { SampleDeliveries, SampleDocuments, SampleHistory } from './SampleDocuments';
import { OwnerRecap, SampleRecap } from './SampleRecap';
import { formatDateTime } from './sampleForm';
import { usePlanName } from './sampleFormQueries';
import { AttachmentsSection } from './steps/AttachmentsSection';

interface SampleReadOnlyProps {
  sampleId: string;
  content: SampleContent;
  /** The server's copy, once it has the sample. */
  server: Sample | null;
  user: AuthUser;
  online: boolean;
}

/**
 * A sample that may not be edited here (sent to the laboratory, or read by a coordinator): the
 * recap by section, its files, documents, e-mails and history.
 */
export function SampleReadOnly({ sampleId, content, server, user, online }: SampleReadOnlyProps) {
  const planName = usePlanName(user, content.programmingPlanId);
  const status = server?.status ?? 'Draft';
  const sent = status !== 'Draft' && status !== 'Submitted';

  return (
    <>
      <h2 className="fr-h4">Fiche du prélèvement</h2>
      {server?.sentAt && (
        <p className="fr-text--sm">Transmis au laboratoire le {formatDateTime(server.sentAt)}.</p>
      )}
      <SampleRecap
        content={content}
        planName={planName}
        reference={server?.reference ?? null}
        samplerName={server ? `${server.sampler.firstName} ${server.sampler.lastName}` : null}
      />
      <section className="fr-mb-4w" aria-labelledby="sample-owner-title">
        <h3 className="fr-h5" id="sample-owner-title">
          Détenteur
        </h3>
        <OwnerRecap content={content} />
      </section>
      <AttachmentsSection sampleId={sampleId} online={online} synced={server !== null} readOnly />
      {server && sent && hasPermission(user, 'analysis.read') && (
        <SampleAnalysesSection sampleId={sampleId} />
      )}
      {server && status !== 'Draft' && <SampleDocuments sampleId={sampleId} sent={sent} />}
      {server && sent && (
        <SampleDeliveries sampleId={sampleId} canRetry={hasPermission(user, 'sample.send')} />
      )}
      {server && <SampleHistory sampleId={sampleId} />}
    </>
  );
}
