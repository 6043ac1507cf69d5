import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { createModal } from '@codegouvfr/react-dsfr/Modal';
import { hasPermission, sampleProblems } from '@maestro/shared/domain';
import type { AuthUser, Sample, SampleContent } from '@maestro/shared/schema';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiClientError, api } from '../../api/client';
import { useLaboratories } from '../../app/laboratories';
import { type LocalSample, sampleStore, useSyncStatus } from '../../samples/offline';
import { sampleRecordKey } from './sampleFormQueries';

export const OFFLINE_SUBMIT_MESSAGE =
  'Vous êtes hors ligne : le prélèvement sera finalisable une fois synchronisé.';

const sendModal = createModal({ id: 'sample-send-modal', isOpenedByDefault: false });
const deleteModal = createModal({ id: 'sample-delete-modal', isOpenedByDefault: false });

const errorText = (error: unknown, fallback: string): string => {
  if (error instanceof ApiClientError) {
    if (error.status === 0) return OFFLINE_SUBMIT_MESSAGE;
    const issues = error.body.issues.map((issue) => issue.message);
    return issues.length > 0 ? `${error.message} ${issues.join(' ')}` : error.message;
  }
  return error instanceof Error ? error.message : fallback;
};

interface SampleActionsProps {
  local: LocalSample;
  content: SampleContent;
  user: AuthUser;
  /** Writes the edits that wait (before a submission). */
  flush: () => Promise<void>;
  /** Moves the focus to the completeness list (when « Finaliser » finds something missing). */
  onIncomplete: () => void;
}

/**
 * « Finaliser » (the server checks everything and gives the sample its status « À envoyer »),
 * then « Envoyer au laboratoire » after a confirmation naming the laboratory.
 */
export function SampleActions({ local, content, user, flush, onIncomplete }: SampleActionsProps) {
  const sync = useSyncStatus();
  const laboratories = useLaboratories();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<'submit' | 'send' | null>(null);
  const [result, setResult] = useState<{
    severity: 'success' | 'error' | 'info';
    text: string;
  } | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const status = local.server?.status ?? 'Draft';
  const lab = laboratories.data?.find((l) => l.id === content.laboratoryId);

  const show = (next: typeof result) => {
    setResult(next);
    setTimeout(() => resultRef.current?.focus(), 0);
  };

  const remember = async (sample: Sample) => {
    await sampleStore.rememberServerSample(local.ownerId, sample);
    await queryClient.invalidateQueries({ queryKey: [...sampleRecordKey, local.id] });
  };

  /** The sample as the server has it, once everything typed here has reached it. */
  const synced = async (): Promise<LocalSample | string> => {
    await flush();
    if (!sync.online) return OFFLINE_SUBMIT_MESSAGE;
    let fresh = await sampleStore.get(local.id);
    if (!fresh?.server || fresh.dirty || fresh.pendingAttachments > 0) {
      await sync.syncNow();
      fresh = await sampleStore.get(local.id);
    }
    if (!fresh) return 'Ce prélèvement n’est plus enregistré dans ce navigateur.';
    if (fresh.syncState === 'conflict')
      return 'Le prélèvement a été modifié ailleurs : choisissez d’abord les valeurs à garder.';
    if (!fresh.server || fresh.dirty)
      return fresh.error
        ? `Le prélèvement n’a pas pu être synchronisé : ${fresh.error}`
        : 'Le prélèvement n’est pas encore synchronisé : réessayez dans quelques instants.';
    if (fresh.pendingAttachments > 0)
      return 'Des pièces jointes n’ont pas encore été envoyées : attendez la synchronisation, ou retirez celles qui sont refusées.';
    return fresh;
  };

  const submit = async () => {
    setResult(null);
    if (sampleProblems(content, new Date()).length > 0) {
      onIncomplete();
      return;
    }
    setBusy('submit');
    try {
      const fresh = await synced();
      if (typeof fresh === 'string') {
        show({ severity: sync.online ? 'error' : 'info', text: fresh });
        return;
      }
      const submitted = await api.submitSample({
        params: { sampleId: local.id },
        body: { version: fresh.server?.version ?? 1 },
      });
      await remember(submitted);
      show({
        severity: 'success',
        text: `Le prélèvement ${submitted.reference} est finalisé : imprimez les documents, puis envoyez-le au laboratoire.`,
      });
    } catch (error) {
      show({ severity: 'error', text: errorText(error, 'La finalisation a échoué.') });
    } finally {
      setBusy(null);
    }
  };

  const send = async () => {
    setResult(null);
    setBusy('send');
    try {
      const fresh = await synced();
      if (typeof fresh === 'string') {
        show({ severity: sync.online ? 'error' : 'info', text: fresh });
        return;
      }
      if (fresh.server?.status !== 'Submitted') {
        show({
          severity: 'error',
          text: 'Le prélèvement a été modifié depuis sa finalisation : finalisez-le à nouveau avant de l’envoyer.',
        });
        return;
      }
      const sent = await api.sendSample({
        params: { sampleId: local.id },
        body: { version: fresh.server.version },
      });
      await remember(sent);
      show({
        severity: 'success',
        text: `La demande d’analyse est transmise${lab ? ` à ${lab.name}` : ' au laboratoire'}.`,
      });
    } catch (error) {
      show({ severity: 'error', text: errorText(error, 'L’envoi a échoué.') });
    } finally {
      setBusy(null);
    }
  };

  const canSend = hasPermission(user, 'sample.send');

  return (
    <>
      {!sync.online && status === 'Draft' && (
        <Alert small severity="info" className="fr-mb-2w" description={OFFLINE_SUBMIT_MESSAGE} />
      )}
      {status === 'Submitted' && local.dirty && (
        <Alert
          small
          severity="warning"
          className="fr-mb-2w"
          description="Vous avez modifié le prélèvement depuis sa finalisation : il redeviendra un brouillon à la synchronisation, et sera à finaliser à nouveau."
        />
      )}
      <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        {status === 'Draft' && (
          <li>
            <Button
              iconId="fr-icon-check-line"
              disabled={busy !== null}
              onClick={() => void submit()}
            >
              {busy === 'submit' ? 'Finalisation…' : 'Finaliser'}
            </Button>
          </li>
        )}
        {status === 'Submitted' && canSend && (
          <li>
            <Button
              iconId="fr-icon-send-plane-line"
              disabled={busy !== null || !content.laboratoryId}
              nativeButtonProps={sendModal.buttonProps}
            >
              {busy === 'send' ? 'Envoi…' : 'Envoyer au laboratoire'}
            </Button>
          </li>
        )}
      </ul>
      <div ref={resultRef} tabIndex={-1} className="maestro-focus-target" role="status">
        {result && (
          <Alert small severity={result.severity} className="fr-mb-2w" description={result.text} />
        )}
      </div>

      <sendModal.Component
        title="Envoyer au laboratoire"
        buttons={[
          { children: 'Annuler', priority: 'secondary' },
          {
            children: 'Envoyer la demande d’analyse',
            iconId: 'fr-icon-send-plane-line',
            onClick: () => void send(),
          },
        ]}
      >
        <p>
          La demande d’analyse et le procès-verbal seront envoyés par courriel au laboratoire{' '}
          <strong>{lab ? lab.name : 'choisi'}</strong>
          {lab && lab.emails.length > 0 ? ` (${lab.emails.join(', ')})` : ''}.
        </p>
        <p>Une fois envoyé, le prélèvement ne pourra plus être modifié ni supprimé.</p>
      </sendModal.Component>
    </>
  );
}

/** « Supprimer le brouillon », confirmed: on the server when it has it, and in this browser. */
export function SampleDeleteButton({ local }: { local: LocalSample }) {
  const navigate = useNavigate();
  const sync = useSyncStatus();
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const status = local.server?.status ?? 'Draft';
  if (status !== 'Draft' && status !== 'Submitted') return null;

  const remove = async () => {
    setError(null);
    try {
      if (local.server || local.syncState === 'syncing') {
        if (!sync.online)
          throw new Error(
            'Vous êtes hors ligne : ce brouillon, déjà synchronisé, ne peut être supprimé qu’en ligne.',
          );
        const fresh = (await sampleStore.get(local.id)) ?? local;
        const version = fresh.server?.version;
        if (version === undefined)
          throw new Error(
            'Le brouillon est en cours de synchronisation : réessayez dans quelques instants.',
          );
        await api.deleteSample({ params: { sampleId: local.id }, query: { version } });
      }
      await sampleStore.remove(local.id);
      navigate('/prelevements', { state: { notice: 'deleted' } });
    } catch (caught) {
      if (caught instanceof ApiClientError && caught.status === 404) {
        // Already gone from the server: forget it here too.
        await sampleStore.remove(local.id);
        navigate('/prelevements', { state: { notice: 'deleted' } });
        return;
      }
      setError(errorText(caught, 'La suppression a échoué.'));
      setTimeout(() => errorRef.current?.focus(), 0);
    }
  };

  return (
    <>
      <Button
        priority="tertiary"
        iconId="fr-icon-delete-line"
        iconPosition="left"
        nativeButtonProps={deleteModal.buttonProps}
      >
        Supprimer le brouillon
      </Button>
      <div ref={errorRef} tabIndex={-1} className="maestro-focus-target" role="status">
        {error && <Alert small severity="error" className="fr-mt-2w" description={error} />}
      </div>
      <deleteModal.Component
        title="Supprimer le brouillon"
        buttons={[
          { children: 'Annuler', priority: 'secondary' },
          { children: 'Supprimer', iconId: 'fr-icon-delete-line', onClick: () => void remove() },
        ]}
      >
        <p>
          Le prélèvement{local.server?.reference ? ` ${local.server.reference}` : ''} et ses pièces
          jointes seront supprimés définitivement, dans ce navigateur et sur le serveur.
        </p>
      </deleteModal.Component>
    </>
  );
}
