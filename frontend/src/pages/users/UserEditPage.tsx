import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import type { User, UserToUpdate } from '@maestro/shared/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation, useParams } from 'react-router';
import { ApiClientError, api } from '../../api/client';
import { Loading } from '../../app/Loading';
import { useLaboratories } from '../../app/laboratories';
import { usePageTitle } from '../../app/pageTitle';
import { useCurrentUser } from '../../app/session';
import { formatDateTime } from './format';
import { canImpersonate, ImpersonateSection } from './ImpersonateSection';
import { userQuery, usersKey } from './queries';
import { focusFirstError, UserForm } from './UserForm';
import {
  apiFieldErrors,
  toUserToUpdate,
  type UserFormErrors,
  type UserFormValues,
  userFormValuesOf,
} from './userForm';

type Notice = 'created' | 'saved' | 'disabled' | 'enabled';

const NoticeMessages: Record<Notice, string> = {
  created: 'Le compte est créé. L’utilisateur peut se connecter.',
  saved: 'Les modifications sont enregistrées.',
  disabled:
    'Le compte est désactivé : l’utilisateur ne peut plus se connecter et ses sessions sont fermées.',
  enabled: 'Le compte est réactivé : l’utilisateur peut de nouveau se connecter.',
};

const isNotice = (value: unknown): value is Notice =>
  typeof value === 'string' && value in NoticeMessages;

export default function UserEditPage() {
  const { userId = '' } = useParams();
  const location = useLocation();
  const user = useQuery(userQuery(userId));
  const [reloads, setReloads] = useState(0);
  const fullName = user.data ? `${user.data.firstName} ${user.data.lastName}` : 'Utilisateur';
  const heading = usePageTitle(user.data ? `${fullName} — Utilisateurs` : 'Utilisateur');
  const state: unknown = location.state;
  const initialNotice =
    typeof state === 'object' && state !== null && 'notice' in state && isNotice(state.notice)
      ? state.notice
      : null;

  const reload = async () => {
    await user.refetch();
    setReloads((count) => count + 1);
  };

  return (
    <div className="fr-container fr-mb-6w">
      <Breadcrumb
        homeLinkProps={{ to: '/' }}
        segments={[{ label: 'Utilisateurs', linkProps: { to: '/utilisateurs' } }]}
        currentPageLabel={fullName}
      />
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1 ref={heading} tabIndex={-1}>
            {fullName}
          </h1>
          {user.isPending ? (
            <Loading />
          ) : user.isError ? (
            <Alert
              severity="error"
              title={
                user.error instanceof ApiClientError &&
                (user.error.status === 404 || user.error.status === 400)
                  ? 'Utilisateur introuvable'
                  : 'L’utilisateur n’a pas pu être chargé'
              }
              description={
                <>
                  <p>{user.error.message}</p>
                  <Button
                    className="fr-mt-2w"
                    priority="secondary"
                    linkProps={{ to: '/utilisateurs' }}
                  >
                    Retour à la liste des utilisateurs
                  </Button>
                </>
              }
            />
          ) : (
            <EditUser
              key={`${user.data.id}-${reloads}`}
              user={user.data}
              initialNotice={initialNotice}
              onReload={reload}
            />
          )}
        </div>
      </div>
    </div>
  );
}

interface EditUserProps {
  user: User;
  initialNotice: Notice | null;
  onReload: () => Promise<void>;
}

function EditUser({ user, initialNotice, onReload }: EditUserProps) {
  const currentUser = useCurrentUser();
  const laboratories = useLaboratories();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(user);
  const [values, setValues] = useState<UserFormValues>(() => userFormValuesOf(user));
  const [errors, setErrors] = useState<UserFormErrors>({});
  const [notice, setNotice] = useState<Notice | null>(initialNotice);
  const ownAccount = currentUser.id === user.id;

  const onSaved = (updated: User, done: Notice) => {
    setSaved(updated);
    setNotice(done);
    queryClient.setQueryData(userQuery(updated.id).queryKey, updated);
    void queryClient.invalidateQueries({ queryKey: [...usersKey, 'list'] });
  };

  const update = useMutation({
    mutationFn: (body: UserToUpdate) => api.updateUser({ params: { userId: user.id }, body }),
    onMutate: () => setNotice(null),
    onSuccess: (updated) => {
      onSaved(updated, 'saved');
      setValues(userFormValuesOf(updated));
    },
    onError: (error) => {
      if (!(error instanceof ApiClientError)) return;
      const fieldErrors = apiFieldErrors((path) => error.issueFor(path));
      setErrors(fieldErrors);
      focusFirstError(fieldErrors);
    },
  });

  // Disabling or enabling applies to the saved account, not to the changes being typed.
  const toggle = useMutation({
    mutationFn: () => {
      const parsed = toUserToUpdate(userFormValuesOf(saved), {
        disabled: !saved.disabled,
        version: saved.version,
      });
      if (!parsed.ok)
        throw new Error('Le compte enregistré est incomplet : corrigez-le puis enregistrez-le.');
      return api.updateUser({ params: { userId: user.id }, body: parsed.value });
    },
    onMutate: () => setNotice(null),
    onSuccess: (updated) => onSaved(updated, updated.disabled ? 'disabled' : 'enabled'),
  });

  const submit = () => {
    const parsed = toUserToUpdate(values, { disabled: saved.disabled, version: saved.version });
    if (!parsed.ok) {
      setErrors(parsed.errors);
      update.reset();
      focusFirstError(parsed.errors);
      return;
    }
    setErrors({});
    toggle.reset();
    update.mutate(parsed.value);
  };

  const error = update.error ?? toggle.error;
  const conflict = error instanceof ApiClientError && error.status === 409;

  const banner = (
    <>
      {notice && (
        <Alert
          className="fr-mb-3w"
          severity="success"
          role="status"
          small
          description={NoticeMessages[notice]}
        />
      )}
      {conflict ? (
        <Alert
          className="fr-mb-3w"
          severity="warning"
          role="alert"
          title="Cet utilisateur a été modifié entre-temps"
          description={
            <>
              <p>
                Quelqu’un d’autre a enregistré une modification de ce compte depuis que vous l’avez
                ouvert : vos changements n’ont pas été enregistrés. Rechargez l’utilisateur pour
                voir sa version actuelle, puis refaites vos changements.
              </p>
              <Button
                className="fr-mt-2w"
                iconId="fr-icon-refresh-line"
                onClick={() => void onReload()}
              >
                Recharger l’utilisateur
              </Button>
            </>
          }
        />
      ) : (
        error && (
          <Alert
            className="fr-mb-3w"
            severity="error"
            role="alert"
            title="Les modifications n’ont pas été enregistrées"
            description={error.message}
          />
        )
      )}
    </>
  );

  return (
    <>
      <dl className="fr-mb-4w maestro-user-facts">
        <div>
          <dt>Adresse e-mail</dt>
          <dd data-testid="user-email">{saved.email}</dd>
        </div>
        <div>
          <dt>État du compte</dt>
          <dd>
            {saved.disabled ? (
              <Badge severity="error" small>
                Désactivé
              </Badge>
            ) : (
              <Badge severity="success" small>
                Actif
              </Badge>
            )}
          </dd>
        </div>
        <div>
          <dt>Dernière connexion</dt>
          <dd>{saved.lastLoginAt ? formatDateTime(saved.lastLoginAt) : 'Jamais connecté'}</dd>
        </div>
        <div>
          <dt>Créé le</dt>
          <dd>{formatDateTime(saved.createdAt)}</dd>
        </div>
      </dl>

      <UserForm
        mode="edit"
        values={values}
        onChange={setValues}
        errors={errors}
        laboratories={laboratories.data}
        onSubmit={submit}
        submitting={update.isPending}
        submitLabel="Enregistrer"
        ownAccount={ownAccount}
        banner={banner}
        cancel={
          <Button priority="secondary" linkProps={{ to: '/utilisateurs' }}>
            Retour à la liste
          </Button>
        }
      />

      {!ownAccount && (
        <section
          className="fr-mt-6w fr-p-3w maestro-danger-zone"
          aria-labelledby="account-state-title"
        >
          <h2 id="account-state-title" className="fr-h5">
            {saved.disabled ? 'Réactiver le compte' : 'Désactiver le compte'}
          </h2>
          <p>
            {saved.disabled
              ? 'Ce compte est désactivé. Une fois réactivé, l’utilisateur pourra de nouveau se connecter avec le même rôle et le même périmètre.'
              : 'Un compte désactivé ne peut plus se connecter ; ses sessions en cours sont fermées immédiatement. Son historique est conservé et le compte peut être réactivé.'}
          </p>
          <Button
            priority={saved.disabled ? 'primary' : 'secondary'}
            iconId={saved.disabled ? 'fr-icon-lock-unlock-line' : 'fr-icon-lock-line'}
            disabled={toggle.isPending || update.isPending}
            onClick={() => toggle.mutate()}
          >
            {saved.disabled ? 'Réactiver le compte' : 'Désactiver le compte'}
          </Button>
        </section>
      )}

      {canImpersonate(currentUser, saved) && <ImpersonateSection user={saved} />}
    </>
  );
}
