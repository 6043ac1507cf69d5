import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import type { UserToCreate } from '@maestro/shared/schema';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiClientError, api } from '../../api/client';
import { useLaboratories } from '../../app/laboratories';
import { usePageTitle } from '../../app/pageTitle';
import { userQuery, usersKey } from './queries';
import { focusFirstError, UserForm } from './UserForm';
import { apiFieldErrors, emptyUserForm, toUserToCreate, type UserFormErrors } from './userForm';

export default function UserCreatePage() {
  const heading = usePageTitle('Nouvel utilisateur');
  const laboratories = useLaboratories();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [values, setValues] = useState(emptyUserForm);
  const [errors, setErrors] = useState<UserFormErrors>({});

  const create = useMutation({
    mutationFn: (body: UserToCreate) => api.createUser({ body }),
    onSuccess: (user) => {
      queryClient.setQueryData(userQuery(user.id).queryKey, user);
      void queryClient.invalidateQueries({ queryKey: [...usersKey, 'list'] });
      void navigate(`/utilisateurs/${user.id}`, { state: { notice: 'created' } });
    },
    onError: (error) => {
      if (!(error instanceof ApiClientError)) return;
      const fieldErrors = apiFieldErrors((path) => error.issueFor(path));
      setErrors(fieldErrors);
      focusFirstError(fieldErrors);
    },
  });

  const submit = () => {
    const parsed = toUserToCreate(values);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      create.reset();
      focusFirstError(parsed.errors);
      return;
    }
    setErrors({});
    create.mutate(parsed.value);
  };

  return (
    <div className="fr-container fr-mb-6w">
      <Breadcrumb
        homeLinkProps={{ to: '/' }}
        segments={[{ label: 'Utilisateurs', linkProps: { to: '/utilisateurs' } }]}
        currentPageLabel="Nouvel utilisateur"
      />
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1 ref={heading} tabIndex={-1}>
            Nouvel utilisateur
          </h1>
          <UserForm
            mode="create"
            values={values}
            onChange={setValues}
            errors={errors}
            laboratories={laboratories.data}
            onSubmit={submit}
            submitting={create.isPending}
            submitLabel="Créer l’utilisateur"
            banner={
              create.error && (
                <Alert
                  className="fr-mb-3w"
                  severity="error"
                  role="alert"
                  title="L’utilisateur n’a pas été créé"
                  description={create.error.message}
                />
              )
            }
            cancel={
              <Button priority="secondary" linkProps={{ to: '/utilisateurs' }}>
                Annuler
              </Button>
            }
          />
        </div>
      </div>
    </div>
  );
}
