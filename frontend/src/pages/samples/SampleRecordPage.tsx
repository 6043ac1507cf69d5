import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Notice } from '@codegouvfr/react-dsfr/Notice';
import { decideSampleAction, hasPermission } from '@maestro/shared/domain';
import { Id, type SampleStatus, SampleStatusLabels } from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect } from 'react';
import { useParams } from 'react-router';
import { ApiClientError } from '../../api/client';
import { Loading } from '../../app/Loading';
import { useLaboratories } from '../../app/laboratories';
import { usePageTitle } from '../../app/pageTitle';
import { useCurrentUser } from '../../app/session';
import {
  ConflictResolver,
  type LocalSample,
  SyncStateBadge,
  sampleStore,
  useLocalSample,
  useSampleEditLock,
  useSyncStatus,
} from '../../samples/offline';
import { ComplianceBadge } from '../analyses/ComplianceBadge';
import { SampleForm } from './SampleForm';
import { SampleReadOnly } from './SampleReadOnly';
import { serverSampleQuery } from './sampleFormQueries';
import { openCompanySearch } from './steps/CompanyFields';
import './samples-form.css';

const StatusSeverity: Record<SampleStatus, 'new' | 'info' | 'warning' | 'success' | 'error'> = {
  Draft: 'new',
  Submitted: 'warning',
  Sent: 'info',
  NotAdmissible: 'error',
  Analysis: 'info',
  InReview: 'warning',
  Completed: 'success',
};

/** « Prélèvement ARA-26-00042 », or a draft not yet known to the server. */
export const sampleTitle = (reference: string | null | undefined): string =>
  reference ? `Prélèvement ${reference}` : 'Prélèvement (brouillon local)';

/**
 * One sample: its record step by step while it is a draft of the agent, read-only otherwise.
 * It opens from this browser first (it works offline), else from the server.
 */
export default function SampleRecordPage() {
  const { sampleId = '' } = useParams();
  const user = useCurrentUser();
  const sync = useSyncStatus();
  const validId = Id.safeParse(sampleId).success;
  const localRead = useLocalSample(validId ? sampleId : null);
  // Another agent's sample on a shared device is never shown.
  const local: LocalSample | null =
    localRead.data && localRead.data.ownerId === user.id ? localRead.data : null;
  const localLoaded = validId && !localRead.isLoading;
  // Not here, or here and known to the server with nothing waiting: the server tells its state.
  const wantServer =
    localLoaded &&
    (local === null || (local.server !== null && !local.dirty && local.syncState === 'synced'));
  const server = useQuery({ ...serverSampleQuery(sampleId), enabled: wantServer });
  const canUpdate = hasPermission(user, 'sample.update');

  useEffect(() => {
    // Kept in the browser so that the agent can open it again offline.
    if (server.data && canUpdate) void sampleStore.rememberServerSample(user.id, server.data);
  }, [server.data, canUpdate, user.id]);

  const reference = local?.server?.reference ?? server.data?.reference ?? null;
  const status: SampleStatus = local?.server?.status ?? server.data?.status ?? 'Draft';
  // The verdict once every analysis is decided: a non-compliant sample is flagged at the top.
  const compliant = server.data ? server.data.compliant : (local?.server?.compliant ?? null);
  const title = sampleTitle(reference);
  const heading = usePageTitle(title);
  const editable = canUpdate && local !== null && decideSampleAction(status, 'edit').allowed;
  const lock = useSampleEditLock(editable ? sampleId : null);
  const laboratories = useLaboratories();
  const laboratoryNames = Object.fromEntries(
    (laboratories.data ?? []).map((lab) => [lab.id, `${lab.shortName} — ${lab.name}`]),
  );

  // The company was typed by hand (the directory was out of reach): once the server has the
  // sample, the agent is asked to link it to its SIRET.
  const askSiret =
    editable &&
    lock.mode === 'editor' &&
    local?.server != null &&
    local.syncState !== 'conflict' &&
    local.content.company !== null &&
    local.content.company.siret === null;
  const findCompany = () => {
    if (!local) return;
    openCompanySearch();
    if (local.content.step !== 'Context')
      void sampleStore.update(local.id, { ...local.content, step: 'Context' }).catch(() => {});
  };

  let body: ReactNode;
  if (!validId) {
    body = <NotFound />;
  } else if (!localLoaded || (local === null && server.isPending)) {
    body = <Loading label="Chargement du prélèvement…" />;
  } else if (local === null && server.isError) {
    body =
      server.error instanceof ApiClientError && server.error.status === 404 ? (
        <NotFound />
      ) : (
        <Alert
          as="h2"
          severity="error"
          title="Le prélèvement n’a pas pu être chargé"
          description={
            server.error instanceof ApiClientError && server.error.status === 0
              ? 'Ce prélèvement n’est pas enregistré dans ce navigateur et le serveur est injoignable. Réessayez une fois en ligne.'
              : server.error.message
          }
        />
      );
  } else if (editable && local && lock.mode === 'editor') {
    body = <SampleForm key={local.id} local={local} user={user} />;
  } else {
    const content = local?.content ?? server.data;
    body = content ? (
      <>
        {editable && lock.mode === 'readonly' && (
          <Alert
            as="h2"
            severity="info"
            className="fr-mb-3w"
            title="Ce prélèvement est ouvert dans un autre onglet"
            description={
              <>
                <p>
                  Il n’est modifiable que dans un onglet à la fois. Vous pouvez le modifier ici :
                  l’autre onglet passera en lecture seule.
                </p>
                <Button className="fr-mt-2w" priority="secondary" onClick={lock.takeOver}>
                  Modifier dans cet onglet
                </Button>
              </>
            }
          />
        )}
        {editable && lock.mode === 'pending' ? (
          <Loading label="Ouverture du prélèvement…" />
        ) : (
          <SampleReadOnly
            sampleId={sampleId}
            content={content}
            server={local?.server ?? server.data ?? null}
            user={user}
            online={sync.online}
          />
        )}
      </>
    ) : (
      <NotFound />
    );
  }

  return (
    <div className="fr-container fr-mb-6w">
      <Breadcrumb
        homeLinkProps={{ to: '/' }}
        segments={[{ label: 'Prélèvements', linkProps: { to: '/prelevements' } }]}
        currentPageLabel={reference ?? 'Prélèvement'}
      />
      <div className="maestro-sample-header">
        <h1 ref={heading} tabIndex={-1} className="fr-mb-1w">
          {title}
        </h1>
        {validId && (local || server.data) && (
          <Badge severity={StatusSeverity[status]} noIcon>
            {SampleStatusLabels[status]}
          </Badge>
        )}
        {validId && <ComplianceBadge compliant={compliant} />}
      </div>
      {local && <SyncStateBadge sample={local} live />}
      {local?.syncState === 'conflict' && (
        <ConflictResolver sample={local} laboratories={laboratoryNames} />
      )}
      {askSiret && (
        <Notice
          className="fr-my-2w"
          data-testid="siret-notice"
          title="Entreprise saisie sans SIRET : recherchez-la dans l’annuaire pour la rattacher."
          description={
            <Button
              className="fr-ml-2w"
              size="small"
              priority="secondary"
              iconId="fr-icon-search-line"
              onClick={findCompany}
            >
              Rechercher l’entreprise dans l’annuaire
            </Button>
          }
        />
      )}
      {body}
    </div>
  );
}

function NotFound() {
  return (
    <Alert
      as="h2"
      severity="error"
      title="Prélèvement introuvable"
      description={
        <>
          <p>Ce prélèvement n’existe pas, a été supprimé, ou n’est pas dans votre périmètre.</p>
          <Button className="fr-mt-2w" priority="secondary" linkProps={{ to: '/prelevements' }}>
            Retour aux prélèvements
          </Button>
        </>
      }
    />
  );
}
