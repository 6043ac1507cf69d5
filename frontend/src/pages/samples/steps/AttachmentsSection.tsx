import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import {
  AttachmentContentType,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_SAMPLE,
  type SampleAttachment,
} from '@maestro/shared/schema';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, useCallback, useId, useState } from 'react';
import { ApiClientError, api, apiUrl } from '../../../api/client';
import {
  type LocalAttachment,
  localSaveErrorMessage,
  sampleStore,
  shrinkImage,
  useLocalAttachments,
} from '../../../samples/offline';
import { sampleAttachmentsQuery } from '../sampleFormQueries';

interface AttachmentsSectionProps {
  sampleId: string;
  online: boolean;
  /** Whether the server knows the sample (its files can then be listed there). */
  synced?: boolean;
  readOnly?: boolean;
}

/** One line of the list: a file kept here, on the server, or both. */
export interface AttachmentRow {
  key: string;
  fileName: string;
  caption: string;
  size: number;
  local: LocalAttachment | null;
  serverId: string | null;
  status: 'pending' | 'uploaded' | 'refused';
  error: string | null;
}

/** The files of this browser first (in the order added), then those only on the server. */
export function attachmentRows(
  local: readonly LocalAttachment[],
  server: readonly SampleAttachment[],
): AttachmentRow[] {
  const rows: AttachmentRow[] = local.map((file) => ({
    key: `local-${file.id}`,
    fileName: file.fileName,
    caption: file.caption,
    size: file.size,
    local: file,
    serverId: file.serverId,
    status: file.error ? 'refused' : file.uploaded ? 'uploaded' : 'pending',
    error: file.error,
  }));
  const known = new Set(local.flatMap((file) => (file.serverId ? [file.serverId] : [])));
  const hashes = new Set(local.map((file) => `${file.fileName}|${file.sha256}`));
  for (const file of server) {
    if (known.has(file.id) || hashes.has(`${file.fileName}|${file.sha256}`)) continue;
    rows.push({
      key: `server-${file.id}`,
      fileName: file.fileName,
      caption: file.caption,
      size: file.size,
      local: null,
      serverId: file.id,
      status: 'uploaded',
      error: null,
    });
  }
  return rows;
}

/** « 1,2 Mo », « 350 ko » */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024)
    return `${(bytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
  return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('fr-FR')} ko`;
}

const StatusLabels: Record<AttachmentRow['status'], string> = {
  pending: 'En attente d’envoi',
  uploaded: 'Envoyée',
  refused: 'Refusée',
};

/**
 * Photos and PDFs with a caption: kept in the browser with the sample (they work offline) and
 * sent with it; the list says which have reached the server.
 */
export function AttachmentsSection({
  sampleId,
  online,
  synced = false,
  readOnly = false,
}: AttachmentsSectionProps) {
  const uid = useId();
  const queryClient = useQueryClient();
  const local = useLocalAttachments(sampleId).data ?? [];
  const server = useQuery({ ...sampleAttachmentsQuery(sampleId), enabled: synced && online });
  const [caption, setCaption] = useState('');
  const [message, setMessage] = useState<{ severity: 'success' | 'error'; text: string } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);

  const rows = attachmentRows(local, server.data ?? []);
  const full = rows.length >= MAX_ATTACHMENTS_PER_SAMPLE;

  const add = useCallback(
    async (event: ChangeEvent<HTMLInputElement>) => {
      const input = event.currentTarget;
      const files = Array.from(input.files ?? []);
      input.value = '';
      if (files.length === 0) return;
      const refused = files.filter((file) => !AttachmentContentType.safeParse(file.type).success);
      if (refused.length > 0) {
        setMessage({
          severity: 'error',
          text: `Format non accepté (${refused.map((file) => file.name).join(', ')}) : photo JPEG, PNG ou WebP, ou document PDF.`,
        });
        return;
      }
      if (rows.length + files.length > MAX_ATTACHMENTS_PER_SAMPLE) {
        setMessage({
          severity: 'error',
          text: `Un prélèvement comporte au plus ${MAX_ATTACHMENTS_PER_SAMPLE} pièces jointes.`,
        });
        return;
      }
      setBusy(true);
      try {
        // Photos are shrunk on the device (long edge about 2,048 px); PDFs are kept as they are.
        const prepared = await Promise.all(
          files.map(async (file) => {
            const shrunk = await shrinkImage(file);
            return (
              shrunk ?? {
                blob: file as Blob,
                fileName: file.name,
                contentType: AttachmentContentType.parse(file.type),
              }
            );
          }),
        );
        const tooBig = prepared.filter((file) => file.blob.size > MAX_ATTACHMENT_BYTES);
        if (tooBig.length > 0) {
          setMessage({
            severity: 'error',
            text: `Fichier trop volumineux (${tooBig.map((file) => file.fileName).join(', ')}) : ${formatSize(MAX_ATTACHMENT_BYTES)} au plus.`,
          });
          return;
        }
        await sampleStore.addAttachments(
          sampleId,
          prepared.map((file) => ({ ...file, caption: caption.trim() })),
        );
        setCaption('');
        setMessage({
          severity: 'success',
          text:
            files.length > 1
              ? `${files.length} pièces jointes ajoutées : elles seront envoyées avec le prélèvement.`
              : `« ${files[0]?.name} » ajouté : il sera envoyé avec le prélèvement.`,
        });
      } catch (error) {
        setMessage({
          severity: 'error',
          text: localSaveErrorMessage(error),
        });
      } finally {
        setBusy(false);
      }
    },
    [caption, rows.length, sampleId],
  );

  const remove = async (row: AttachmentRow) => {
    setMessage(null);
    try {
      if (row.serverId && row.status === 'uploaded') {
        await api.deleteSampleAttachment({ params: { sampleId, attachmentId: row.serverId } });
        await queryClient.invalidateQueries({
          queryKey: sampleAttachmentsQuery(sampleId).queryKey,
        });
      }
      if (row.local) await sampleStore.removeAttachment(row.local.id);
      setMessage({ severity: 'success', text: `« ${row.fileName} » supprimé.` });
    } catch (error) {
      setMessage({
        severity: 'error',
        text:
          error instanceof ApiClientError && error.status === 0
            ? 'Vous êtes hors ligne : une pièce jointe déjà envoyée ne peut être supprimée qu’en ligne.'
            : error instanceof Error
              ? error.message
              : 'La pièce jointe n’a pas pu être supprimée.',
      });
    }
  };

  return (
    <section aria-labelledby={`${uid}-title`} className="fr-mt-4w">
      <h3 className="fr-h5" id={`${uid}-title`}>
        Photos et documents ({rows.length})
      </h3>
      {!readOnly && (
        <>
          <p className="fr-text--sm">
            Photos JPEG, PNG ou WebP, ou documents PDF ; {MAX_ATTACHMENTS_PER_SAMPLE} au plus. Ils
            sont gardés dans le navigateur et envoyés avec le prélèvement, même si vous êtes hors
            ligne.
          </p>
          <Input
            label="Légende (facultatif)"
            hintText="Saisissez la légende avant de choisir la photo ou le fichier."
            nativeInputProps={{
              id: `${uid}-caption`,
              maxLength: 500,
              autoComplete: 'off',
              value: caption,
              onChange: (event) => setCaption(event.target.value),
            }}
          />
          <div className="fr-grid-row fr-grid-row--gutters fr-mb-2w">
            <div className="fr-col-12 fr-col-md-6">
              <div className="fr-upload-group">
                <label className="fr-label" htmlFor={`${uid}-photo`}>
                  Prendre une photo
                  <span className="fr-hint-text">Ouvre l’appareil photo sur mobile.</span>
                </label>
                <input
                  className="fr-upload"
                  type="file"
                  id={`${uid}-photo`}
                  accept="image/*"
                  capture="environment"
                  disabled={busy || full}
                  onChange={(event) => void add(event)}
                />
              </div>
            </div>
            <div className="fr-col-12 fr-col-md-6">
              <div className="fr-upload-group">
                <label className="fr-label" htmlFor={`${uid}-file`}>
                  Joindre des fichiers
                  <span className="fr-hint-text">Photos ou PDF, un ou plusieurs.</span>
                </label>
                <input
                  className="fr-upload"
                  type="file"
                  id={`${uid}-file`}
                  accept="image/*,application/pdf"
                  multiple
                  disabled={busy || full}
                  onChange={(event) => void add(event)}
                />
              </div>
            </div>
          </div>
        </>
      )}
      <div role="status" aria-live="polite">
        {message && (
          <Alert
            small
            severity={message.severity}
            className="fr-mb-2w"
            description={message.text}
          />
        )}
      </div>
      {rows.length === 0 ? (
        <p className="fr-text--sm">Aucune pièce jointe.</p>
      ) : (
        <ul className="fr-raw-list maestro-attachments">
          {rows.map((row) => (
            <li key={row.key} className="maestro-attachments__item">
              <div>
                <p className="fr-mb-0">
                  {row.serverId && row.status === 'uploaded' ? (
                    <a
                      className="fr-link"
                      href={apiUrl('getSampleAttachment', {
                        params: { sampleId, attachmentId: row.serverId },
                      })}
                      target="_blank"
                      rel="noopener"
                      title={`${row.fileName} — nouvelle fenêtre`}
                    >
                      {row.fileName}
                    </a>
                  ) : (
                    row.fileName
                  )}
                </p>
                <p className="fr-text--sm fr-mb-0">
                  {row.caption ? `${row.caption} · ` : ''}
                  {formatSize(row.size)} · {StatusLabels[row.status]}
                  {row.error ? ` : ${row.error}` : ''}
                </p>
              </div>
              {!readOnly && (
                <Button
                  priority="tertiary"
                  size="small"
                  iconId="fr-icon-delete-line"
                  iconPosition="left"
                  onClick={() => void remove(row)}
                  nativeButtonProps={{ 'aria-label': `Supprimer ${row.fileName}` }}
                >
                  Supprimer
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {server.isError && (
        <p className="fr-text--sm">Les pièces jointes du serveur n’ont pas pu être listées.</p>
      )}
    </section>
  );
}
