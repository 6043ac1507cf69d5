import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import {
  MAX_COPIES,
  type MailDelivery,
  type MailDeliveryStatus,
  MailDeliveryStatusLabels,
  SampleDocumentLabels,
} from '@maestro/shared/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { ApiClientError, api, apiUrl } from '../../api/client';
import { formatDateTime } from './sampleForm';
import { sampleDeliveriesQuery, sampleHistoryQuery } from './sampleFormQueries';

type DocumentFormat = 'pdf' | 'csv' | 'xlsx';

const documentUrl = (
  sampleId: string,
  document: 'supportDocument' | 'labels' | 'analysisRequest',
  format: DocumentFormat = 'pdf',
  copyNumber?: number,
) =>
  apiUrl('getSampleDocument', {
    params: { sampleId, document },
    query: { format, ...(copyNumber ? { copyNumber } : {}) },
  });

function DownloadLink({
  href,
  label,
  format,
}: {
  href: string;
  label: string;
  format: DocumentFormat;
}) {
  return (
    <a className="fr-link fr-link--download" href={href} download>
      {label} <span className="fr-link__detail">{format.toUpperCase()}</span>
    </a>
  );
}

const CopyHolders: Record<number, string> = {
  1: 'laboratoire',
  2: 'conservé pour contre-analyse',
  3: 'conservé pour contre-analyse',
};

/** The documents of a finalised sample: support documents per copy, labels, analysis request. */
export function SampleDocuments({ sampleId, sent }: { sampleId: string; sent: boolean }) {
  const uid = useId();
  const copies = Array.from({ length: MAX_COPIES }, (_, i) => i + 1);
  return (
    <section aria-labelledby={`${uid}-title`} className="fr-mb-4w" data-testid="sample-documents">
      <h3 className="fr-h5" id={`${uid}-title`}>
        Documents
      </h3>
      <ul className="fr-raw-list maestro-documents">
        <li>
          <DownloadLink
            href={documentUrl(sampleId, 'supportDocument')}
            label={`${SampleDocumentLabels.supportDocument} — tous les exemplaires`}
            format="pdf"
          />
        </li>
        {copies.map((copyNumber) => (
          <li key={copyNumber}>
            <DownloadLink
              href={documentUrl(sampleId, 'supportDocument', 'pdf', copyNumber)}
              label={`${SampleDocumentLabels.supportDocument} — exemplaire ${copyNumber} (${CopyHolders[copyNumber]})`}
              format="pdf"
            />
          </li>
        ))}
        <li>
          <DownloadLink
            href={documentUrl(sampleId, 'labels')}
            label={`${SampleDocumentLabels.labels} des exemplaires`}
            format="pdf"
          />
        </li>
        {(['pdf', 'csv', 'xlsx'] as const).map((format) => (
          <li key={format}>
            <DownloadLink
              href={documentUrl(sampleId, 'analysisRequest', format)}
              label={SampleDocumentLabels.analysisRequest}
              format={format}
            />
          </li>
        ))}
      </ul>
      {!sent && (
        <p className="fr-text--sm">
          Imprimez les étiquettes et le procès-verbal avant de sceller les exemplaires ; la demande
          d’analyse part au laboratoire avec l’envoi.
        </p>
      )}
    </section>
  );
}

const DeliverySeverity: Record<MailDeliveryStatus, 'success' | 'info' | 'error'> = {
  Sent: 'success',
  Pending: 'info',
  Failed: 'error',
};

/** The e-mails sent for a sample (analysis request to the laboratory…), with a retry on failure. */
export function SampleDeliveries({ sampleId, canRetry }: { sampleId: string; canRetry: boolean }) {
  const uid = useId();
  const queryClient = useQueryClient();
  const deliveries = useQuery(sampleDeliveriesQuery(sampleId));
  const retry = useMutation({
    mutationFn: (delivery: MailDelivery) =>
      api.retrySampleDelivery({ params: { sampleId, deliveryId: delivery.id } }),
    onSettled: () =>
      queryClient.invalidateQueries({ queryKey: sampleDeliveriesQuery(sampleId).queryKey }),
  });

  return (
    <section aria-labelledby={`${uid}-title`} className="fr-mb-4w" data-testid="sample-deliveries">
      <h3 className="fr-h5" id={`${uid}-title`}>
        Envois par courriel
      </h3>
      {deliveries.isPending ? (
        <p className="fr-text--sm" role="status">
          Chargement des envois…
        </p>
      ) : deliveries.isError ? (
        <Alert
          small
          severity="error"
          description={`Les envois n’ont pas pu être chargés : ${deliveries.error.message}`}
        />
      ) : deliveries.data.length === 0 ? (
        <p className="fr-text--sm">Aucun envoi pour l’instant.</p>
      ) : (
        <div className="fr-table fr-table--no-caption">
          <div className="fr-table__wrapper">
            <div className="fr-table__container">
              <div className="fr-table__content">
                <table>
                  <caption>Envois par courriel</caption>
                  <thead>
                    <tr>
                      <th scope="col">Objet et destinataires</th>
                      <th scope="col">État</th>
                      <th scope="col">Tentatives</th>
                      <th scope="col">Dernière erreur</th>
                      {canRetry && <th scope="col">Action</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {deliveries.data.map((delivery) => (
                      <tr key={delivery.id}>
                        <td>
                          {delivery.subject}
                          <br />
                          <span className="fr-text--xs">{delivery.recipients.join(', ')}</span>
                          <br />
                          <span className="fr-text--xs">
                            Créé le {formatDateTime(delivery.createdAt)}
                            {delivery.sentAt
                              ? ` · envoyé le ${formatDateTime(delivery.sentAt)}`
                              : ''}
                          </span>
                        </td>
                        <td>
                          <Badge small noIcon={false} severity={DeliverySeverity[delivery.status]}>
                            {MailDeliveryStatusLabels[delivery.status]}
                          </Badge>
                        </td>
                        <td>{delivery.attempts}</td>
                        <td>{delivery.lastError ?? '—'}</td>
                        {canRetry && (
                          <td>
                            {delivery.status === 'Failed' && (
                              <Button
                                size="small"
                                priority="secondary"
                                iconId="fr-icon-refresh-line"
                                disabled={retry.isPending}
                                onClick={() => retry.mutate(delivery)}
                                nativeButtonProps={{
                                  'aria-label': `Renvoyer « ${delivery.subject} »`,
                                }}
                              >
                                Renvoyer
                              </Button>
                            )}
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          </div>
        </div>
      )}
      <div role="status" aria-live="polite">
        {retry.isSuccess && (
          <Alert
            small
            severity="success"
            description="Le courriel est remis dans la file d’envoi."
          />
        )}
        {retry.isError && (
          <Alert
            small
            severity="error"
            description={
              retry.error instanceof ApiClientError
                ? retry.error.message
                : 'Le renvoi n’a pas pu être demandé.'
            }
          />
        )}
      </div>
    </section>
  );
}

/** Who did what to the sample, and when. */
export function SampleHistory({ sampleId }: { sampleId: string }) {
  const uid = useId();
  const history = useQuery(sampleHistoryQuery(sampleId));
  return (
    <section aria-labelledby={`${uid}-title`} className="fr-mb-4w" data-testid="sample-history">
      <h3 className="fr-h5" id={`${uid}-title`}>
        Historique
      </h3>
      {history.isPending ? (
        <p className="fr-text--sm" role="status">
          Chargement de l’historique…
        </p>
      ) : history.isError ? (
        <p className="fr-text--sm">L’historique n’a pas pu être chargé.</p>
      ) : history.data.length === 0 ? (
        <p className="fr-text--sm">Aucun événement.</p>
      ) : (
        <ol className="maestro-history">
          {history.data.map((event) => (
            <li key={`${event.at}-${event.action}`}>
              <span className="fr-text--bold">{formatDateTime(event.at)}</span> — {event.label}
              {event.userName ? ` (${event.userName})` : ''}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
