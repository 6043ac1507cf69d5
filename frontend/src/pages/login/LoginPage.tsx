import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { PasswordInput } from '@codegouvfr/react-dsfr/blocks/PasswordInput';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Credentials } from '@maestro/shared/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { ApiClientError, api } from '../../api/client';
import { usePageTitle } from '../../app/pageTitle';
import { consumeLoggedOut, safeReturnPath, sessionKey, useSession } from '../../app/session';

type Field = 'email' | 'password';
type FieldErrors = Partial<Record<Field, string>>;

/** Errors the OpenID Connect callback reports through `?erreur=`. */
export const OidcErrorMessages: Record<string, string> = {
  'oidc-inconnu':
    'Aucun compte Maestro n’est associé à cette adresse e-mail. Demandez à l’administrateur de Maestro de votre structure de créer votre compte, puis réessayez.',
  oidc: 'La connexion avec ProConnect n’a pas abouti. Réessayez, ou connectez-vous avec votre adresse e-mail et votre mot de passe.',
};

const authConfigQuery = {
  queryKey: ['authConfig'],
  queryFn: () => api.getAuthConfig(),
  staleTime: Number.POSITIVE_INFINITY,
} as const;

export default function LoginPage() {
  const heading = usePageTitle('Connexion');
  const [params] = useSearchParams();
  const session = useSession();
  const queryClient = useQueryClient();
  const authConfig = useQuery(authConfigQuery);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  const login = useMutation({
    mutationFn: (body: Credentials) => api.login({ body }),
    onSuccess: (newSession) => {
      consumeLoggedOut();
      queryClient.setQueryData(sessionKey, newSession);
    },
    onError: (error) => {
      if (error instanceof ApiClientError) {
        setFieldErrors({ email: error.issueFor('email'), password: error.issueFor('password') });
      }
    },
  });

  const returnPath = safeReturnPath(params.get('retour')) ?? '/';
  if (session.data) return <Navigate to={returnPath} replace />;

  const oidcError = params.get('erreur');
  const oidcErrorMessage = oidcError
    ? (OidcErrorMessages[oidcError] ?? OidcErrorMessages.oidc)
    : undefined;
  const oidcLabel = authConfig.data?.oidcLabel || 'ProConnect';

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = Credentials.safeParse({ email, password });
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if ((field === 'email' || field === 'password') && !errors[field])
          errors[field] = issue.message;
      }
      setFieldErrors(errors);
      login.reset();
      const first = errors.email ? 'login-email' : 'login-password';
      document.getElementById(first)?.focus();
      return;
    }
    setFieldErrors({});
    login.mutate(parsed.data);
  };

  const loginError =
    login.error instanceof ApiClientError ? login.error.body.message : login.error?.message;

  return (
    <div className="fr-container fr-container--fluid">
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--center">
        <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <div className="fr-container maestro-login-box fr-px-md-0 fr-py-10v fr-py-md-14v fr-my-md-6w">
            <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--center">
              <div className="fr-col-12 fr-col-md-10">
                <h1 ref={heading} tabIndex={-1}>
                  Connexion à Maestro
                </h1>

                {oidcErrorMessage && (
                  <Alert
                    className="fr-mb-4w"
                    severity="error"
                    title={`La connexion avec ${oidcLabel} a échoué`}
                    description={oidcErrorMessage}
                  />
                )}

                {authConfig.data?.oidcEnabled && (
                  <>
                    <div className="fr-mb-6v">
                      <h2 className="fr-h4">Avec {oidcLabel}</h2>
                      <p className="fr-text--sm">
                        Agents de l’État : connectez-vous avec votre compte professionnel.
                      </p>
                      <Button
                        iconId="fr-icon-account-circle-line"
                        linkProps={{ to: '/api/auth/oidc/login', reloadDocument: true }}
                      >
                        Se connecter avec {oidcLabel}
                      </Button>
                    </div>
                    <p className="fr-hr-or">ou</p>
                  </>
                )}

                <form onSubmit={submit} noValidate>
                  <fieldset className="fr-fieldset">
                    <legend className="fr-fieldset__legend" id="login-form-title">
                      <h2 className="fr-h4">Avec votre adresse e-mail</h2>
                    </legend>
                    <p className="fr-fieldset__element fr-text--sm fr-mb-2w">
                      Tous les champs sont obligatoires.
                    </p>
                    {loginError && (
                      <div className="fr-fieldset__element" data-testid="login-error">
                        <Alert severity="error" small role="alert" description={loginError} />
                      </div>
                    )}
                    <div className="fr-fieldset__element">
                      <Input
                        label="Adresse e-mail"
                        hintText="Format attendu : nom@domaine.fr"
                        state={fieldErrors.email ? 'error' : 'default'}
                        stateRelatedMessage={fieldErrors.email}
                        nativeInputProps={{
                          id: 'login-email',
                          type: 'email',
                          name: 'email',
                          autoComplete: 'username',
                          required: true,
                          value: email,
                          onChange: (event) => setEmail(event.target.value),
                        }}
                      />
                    </div>
                    <div className="fr-fieldset__element">
                      <PasswordInput
                        label="Mot de passe"
                        messagesHint=""
                        messages={
                          fieldErrors.password
                            ? [{ severity: 'error', message: fieldErrors.password }]
                            : []
                        }
                        nativeInputProps={{
                          id: 'login-password',
                          name: 'password',
                          autoComplete: 'current-password',
                          required: true,
                          value: password,
                          onChange: (event) => setPassword(event.target.value),
                        }}
                      />
                    </div>
                    <div className="fr-fieldset__element">
                      <ul className="fr-btns-group">
                        <li>
                          <Button type="submit" disabled={login.isPending}>
                            {login.isPending ? 'Connexion en cours…' : 'Se connecter'}
                          </Button>
                        </li>
                      </ul>
                    </div>
                  </fieldset>
                </form>
                <p className="fr-text--sm fr-mb-0">
                  Vous n’avez pas de compte ou avez perdu votre mot de passe ? Adressez-vous à
                  l’administrateur de Maestro de votre structure.
                </p>
              </div>
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}
