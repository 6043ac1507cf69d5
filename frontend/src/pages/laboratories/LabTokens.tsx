import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { createModal } from '@codegouvfr/react-dsfr/Modal';
import {
  type Laboratory,
  type LabToken,
  type LabTokenCreated,
  LabTokenToCreate,
} from '@maestro/shared/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { ApiClientError, api } from '../../api/client';
import { DsfrTable } from '../../app/DsfrTable';
import { Loading } from '../../app/Loading';
import { labTokensQuery } from './queries';

const revokeModal = createModal({ id: 'lab-token-revoke-modal', isOpenedByDefault: false });

export function formatDateTime(value: string | null): string {
  if (value === null) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? ''
    : new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short' }).format(date);
}

/** The API tokens of a laboratory: list, creation (value shown once) and revocation. */
export function LabTokens({ laboratory }: { laboratory: Laboratory }) {
  const uid = useId();
  const queryClient = useQueryClient();
  const tokens = useQuery(labTokensQuery(laboratory.id));
  const [created, setCreated] = useState<LabTokenCreated | null>(null);
  const [toRevoke, setToRevoke] = useState<LabToken | null>(null);
  const [revoked, setRevoked] = useState<LabToken | null>(null);
  const createdRef = useRef<HTMLDivElement>(null);
  const revokeResultRef = useRef<HTMLDivElement>(null);

  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: labTokensQuery(laboratory.id).queryKey });

  const revoke = useMutation({
    mutationFn: (token: LabToken) =>
      api.revokeLabToken({ params: { laboratoryId: laboratory.id, tokenId: token.id } }),
    onSuccess: (_, token) => setRevoked(token),
    onSettled: () => {
      void refresh();
      setTimeout(() => revokeResultRef.current?.focus(), 0);
    },
  });

  const onCreated = (token: LabTokenCreated) => {
    setCreated(token);
    setRevoked(null);
    revoke.reset();
    void refresh();
    setTimeout(() => createdRef.current?.focus(), 0);
  };

  return (
    <section aria-labelledby={`${uid}-title`} data-testid="lab-tokens">
      <h2 id={`${uid}-title`}>Jetons d’API</h2>
      <LabTokenHelp />

      <CreateLabTokenForm laboratoryId={laboratory.id} onCreated={onCreated} />

      <div ref={createdRef} tabIndex={-1} className="maestro-focus-target">
        {created && (
          <CreatedToken key={created.id} token={created} onHide={() => setCreated(null)} />
        )}
      </div>

      <div ref={revokeResultRef} tabIndex={-1} className="maestro-focus-target">
        {revoke.isSuccess && revoked && (
          <Alert
            small
            severity="success"
            role="status"
            className="fr-mb-3w"
            description={`Le jeton « ${revoked.name} » est révoqué : il est refusé dès la requête suivante.`}
          />
        )}
        {revoke.isError && (
          <Alert
            small
            severity="error"
            role="alert"
            className="fr-mb-3w"
            description={`La révocation a été refusée : ${revoke.error.message}`}
          />
        )}
      </div>

      <h3 className="fr-h5">Jetons de {laboratory.shortName}</h3>
      {tokens.isPending ? (
        <Loading label="Chargement des jetons…" />
      ) : tokens.isError ? (
        <Alert
          severity="error"
          title="Les jetons n’ont pas pu être chargés"
          description={
            <>
              <p>{tokens.error.message}</p>
              <Button
                className="fr-mt-2w"
                priority="secondary"
                onClick={() => void tokens.refetch()}
              >
                Réessayer
              </Button>
            </>
          }
        />
      ) : tokens.data.length === 0 ? (
        <p data-testid="lab-tokens-empty">Ce laboratoire n’a encore aucun jeton d’API.</p>
      ) : (
        <DsfrTable busy={tokens.isFetching}>
          <caption>Jetons d’API de {laboratory.shortName}</caption>
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">Début du jeton</th>
              <th scope="col">Création</th>
              <th scope="col">Dernière utilisation</th>
              <th scope="col">État</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => (
              <tr key={token.id} data-testid={`lab-token-${token.id}`}>
                <th scope="row">{token.name}</th>
                <td>
                  <code>{token.prefix}…</code>
                </td>
                <td>
                  {formatDateTime(token.createdAt)}
                  {token.createdByName ? (
                    <>
                      <br />
                      <span className="fr-text--xs">par {token.createdByName}</span>
                    </>
                  ) : null}
                </td>
                <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'Jamais'}</td>
                <td>
                  {token.revokedAt ? (
                    <>
                      <Badge severity="error" small>
                        Révoqué
                      </Badge>
                      <span className="fr-text--xs">le {formatDateTime(token.revokedAt)}</span>
                    </>
                  ) : (
                    <Badge severity="success" small>
                      Actif
                    </Badge>
                  )}
                </td>
                <td>
                  {!token.revokedAt && (
                    <Button
                      size="small"
                      priority="secondary"
                      iconId="fr-icon-close-circle-line"
                      disabled={revoke.isPending}
                      onClick={() => {
                        setToRevoke(token);
                        revoke.reset();
                      }}
                      nativeButtonProps={{
                        id: `lab-token-revoke-${token.id}`,
                        'aria-controls': revokeModal.id,
                        'data-fr-opened': false,
                      }}
                    >
                      Révoquer <span className="fr-sr-only">le jeton « {token.name} »</span>
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </DsfrTable>
      )}

      <revokeModal.Component
        title="Révoquer le jeton"
        buttons={[
          { children: 'Annuler', priority: 'secondary' },
          {
            children: 'Révoquer le jeton',
            iconId: 'fr-icon-close-circle-line',
            onClick: () => {
              if (toRevoke) revoke.mutate(toRevoke);
            },
          },
        ]}
      >
        {toRevoke && (
          <p data-testid="lab-token-revoke-question">
            Le jeton « {toRevoke.name} » (<code>{toRevoke.prefix}…</code>) de {laboratory.shortName}{' '}
            sera refusé dès la requête suivante : le système qui l’utilise ne pourra plus appeler
            l’API. La révocation est définitive.
          </p>
        )}
      </revokeModal.Component>
    </section>
  );
}

/** How the laboratory uses a token. */
function LabTokenHelp() {
  return (
    <div className="fr-mb-3w" data-testid="lab-token-help">
      <p className="fr-mb-1w">
        Un jeton permet au système du laboratoire (son LIMS) d’appeler l’API de Maestro sans compte
        personnel : consulter les analyses qui lui sont adressées, enregistrer les réceptions,
        transmettre les résultats, les rapports et les fichiers d’import. Il envoie le jeton dans
        l’en-tête de chaque requête :
      </p>
      <pre className="fr-mb-1w">
        <code>Authorization: Bearer &lt;jeton&gt;</code>
      </pre>
      <p>
        Les opérations ouvertes aux jetons sont décrites dans la{' '}
        <a href="/api/docs">documentation de l’API</a>. Pour remplacer un jeton, créez-en un nouveau
        et révoquez l’ancien une fois le nouveau en service.
      </p>
    </div>
  );
}

function CreateLabTokenForm({
  laboratoryId,
  onCreated,
}: {
  laboratoryId: string;
  onCreated: (token: LabTokenCreated) => void;
}) {
  const uid = useId();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: LabTokenToCreate) => api.createLabToken({ params: { laboratoryId }, body }),
    onSuccess: (token) => {
      setName('');
      onCreated(token);
    },
    onError: (caught) => {
      setError(
        caught instanceof ApiClientError
          ? (caught.issueFor('name') ?? caught.message)
          : 'La création du jeton a échoué.',
      );
      document.getElementById(`${uid}-name`)?.focus();
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = LabTokenToCreate.safeParse({ name });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Nom invalide.');
      document.getElementById(`${uid}-name`)?.focus();
      return;
    }
    setError(null);
    create.mutate(parsed.data);
  };

  return (
    <form onSubmit={submit} noValidate className="fr-mb-3w" data-testid="lab-token-create">
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend fr-h6">Créer un jeton</legend>
        <div className="fr-fieldset__element">
          <Input
            label="Nom du jeton"
            hintText="Pour le reconnaître, par exemple « LIMS production »."
            state={error ? 'error' : 'default'}
            stateRelatedMessage={error}
            nativeInputProps={{
              id: `${uid}-name`,
              name: 'name',
              value: name,
              maxLength: 100,
              autoComplete: 'off',
              onChange: (event) => setName(event.target.value),
            }}
          />
        </div>
        <div className="fr-fieldset__element">
          <Button type="submit" iconId="fr-icon-add-line" disabled={create.isPending}>
            {create.isPending ? 'Création…' : 'Créer un jeton'}
          </Button>
        </div>
      </fieldset>
    </form>
  );
}

/** The token's value, shown once, in a read-only field with a copy button. */
function CreatedToken({ token, onHide }: { token: LabTokenCreated; onHide: () => void }) {
  const uid = useId();
  const [copy, setCopy] = useState<'copied' | 'failed' | null>(null);

  const copyToken = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(token.token);
      setCopy('copied');
    } catch {
      setCopy('failed');
      const input = document.getElementById(`${uid}-token`);
      if (input instanceof HTMLInputElement) {
        input.focus();
        input.select();
      }
    }
  };

  return (
    <Alert
      severity="warning"
      className="fr-mb-3w"
      title="Copiez ce jeton maintenant : il ne sera plus affiché."
      description={
        <div data-testid="lab-token-created">
          <p>
            Le jeton « {token.name} » est créé. Transmettez-le au laboratoire par un moyen sûr :
            Maestro n’en garde qu’une empreinte et ne pourra plus l’afficher.
          </p>
          <Input
            label="Jeton d’API"
            nativeInputProps={{
              id: `${uid}-token`,
              value: token.token,
              readOnly: true,
              spellCheck: false,
              autoComplete: 'off',
              onFocus: (event) => event.target.select(),
            }}
          />
          <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mb-0">
            <li>
              <Button size="small" iconId="fr-icon-clipboard-line" onClick={() => void copyToken()}>
                Copier le jeton
              </Button>
            </li>
            <li>
              <Button size="small" priority="secondary" onClick={onHide}>
                J’ai copié le jeton : le masquer
              </Button>
            </li>
          </ul>
          <p role="status" className="fr-text--sm fr-mb-0">
            {copy === 'copied'
              ? 'Le jeton est copié dans le presse-papiers.'
              : copy === 'failed'
                ? 'La copie automatique a échoué : le jeton est sélectionné, copiez-le avec Ctrl+C (ou Cmd+C).'
                : ''}
          </p>
        </div>
      }
    />
  );
}
