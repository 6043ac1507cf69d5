import { Button } from '@codegouvfr/react-dsfr/Button';
import { PasswordInput } from '@codegouvfr/react-dsfr/blocks/PasswordInput';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { RegionList } from '@maestro/shared/referential';
import {
  type Laboratory,
  RoleLabels,
  RoleList,
  RoleScope,
  ScopeKindLabels,
} from '@maestro/shared/schema';
import type { FormEvent, ReactNode } from 'react';
import {
  changeUserForm,
  departmentOptions,
  scopeFieldsFor,
  type UserFormErrors,
  type UserFormField,
  type UserFormValues,
} from './userForm';

interface UserFormProps {
  mode: 'create' | 'edit';
  values: UserFormValues;
  onChange: (values: UserFormValues) => void;
  errors: UserFormErrors;
  laboratories: readonly Laboratory[] | undefined;
  onSubmit: () => void;
  submitting: boolean;
  submitLabel: string;
  /** The signed-in administrator edits their own account: the role stays. */
  ownAccount?: boolean;
  /** An alert above the fields (API error, success). */
  banner?: ReactNode;
  cancel: ReactNode;
}

export const fieldId = (field: UserFormField) => `user-${field}`;

const selectState = (message: string | undefined) =>
  message
    ? ({ state: 'error', stateRelatedMessage: message } as const)
    : ({ state: 'default' } as const);

/** The identity, role and scope of a user: the scope fields follow the role. */
export function UserForm({
  mode,
  values,
  onChange,
  errors,
  laboratories,
  onSubmit,
  submitting,
  submitLabel,
  ownAccount = false,
  banner,
  cancel,
}: UserFormProps) {
  const set = (field: UserFormField) => (value: string) =>
    onChange(changeUserForm(values, field, value));
  const scopeFields = scopeFieldsFor(values.role);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit();
  };

  return (
    <form onSubmit={submit} noValidate data-testid="user-form">
      {banner}
      <p className="fr-text--sm">Sauf mention contraire, tous les champs sont obligatoires.</p>

      <fieldset className="fr-fieldset" aria-labelledby="user-identity-legend">
        <legend className="fr-fieldset__legend" id="user-identity-legend">
          Identité
        </legend>
        <div className="fr-fieldset__element">
          <Input
            label="Prénom"
            state={errors.firstName ? 'error' : 'default'}
            stateRelatedMessage={errors.firstName}
            nativeInputProps={{
              id: fieldId('firstName'),
              name: 'firstName',
              autoComplete: 'off',
              value: values.firstName,
              onChange: (event) => set('firstName')(event.target.value),
            }}
          />
        </div>
        <div className="fr-fieldset__element">
          <Input
            label="Nom"
            state={errors.lastName ? 'error' : 'default'}
            stateRelatedMessage={errors.lastName}
            nativeInputProps={{
              id: fieldId('lastName'),
              name: 'lastName',
              autoComplete: 'off',
              value: values.lastName,
              onChange: (event) => set('lastName')(event.target.value),
            }}
          />
        </div>
        {mode === 'create' && (
          <div className="fr-fieldset__element">
            <Input
              label="Adresse e-mail"
              hintText="Adresse professionnelle, qui sert d’identifiant. Format attendu : nom@domaine.fr"
              state={errors.email ? 'error' : 'default'}
              stateRelatedMessage={errors.email}
              nativeInputProps={{
                id: fieldId('email'),
                name: 'email',
                type: 'email',
                autoComplete: 'off',
                value: values.email,
                onChange: (event) => set('email')(event.target.value),
              }}
            />
          </div>
        )}
      </fieldset>

      <fieldset className="fr-fieldset" aria-labelledby="user-role-legend">
        <legend className="fr-fieldset__legend" id="user-role-legend">
          Rôle et périmètre
        </legend>
        <div className="fr-fieldset__element">
          <Select
            label="Rôle"
            hint={ownAccount ? 'Vous ne pouvez pas changer votre propre rôle.' : undefined}
            disabled={ownAccount}
            {...selectState(errors.role)}
            nativeSelectProps={{
              id: fieldId('role'),
              name: 'role',
              value: values.role,
              onChange: (event) => set('role')(event.target.value),
            }}
          >
            <option value="" disabled>
              Sélectionner un rôle
            </option>
            {RoleList.map((role) => (
              <option key={role} value={role}>
                {RoleLabels[role]} ({ScopeKindLabels[RoleScope[role]].toLowerCase()})
              </option>
            ))}
          </Select>
        </div>

        {values.role !== '' && scopeFields.length === 0 && (
          <p className="fr-fieldset__element fr-text--sm" data-testid="scope-national">
            Ce rôle a un périmètre national : aucun périmètre à choisir.
          </p>
        )}

        {scopeFields.includes('regionCode') && (
          <div className="fr-fieldset__element">
            <Select
              label={scopeFields.includes('departmentCode') ? 'Région (facultatif)' : 'Région'}
              hint={
                scopeFields.includes('departmentCode')
                  ? 'Restreint la liste des départements à ceux de la région.'
                  : undefined
              }
              {...selectState(errors.regionCode)}
              nativeSelectProps={{
                id: fieldId('regionCode'),
                name: 'regionCode',
                value: values.regionCode,
                onChange: (event) => set('regionCode')(event.target.value),
              }}
            >
              <option value="">
                {scopeFields.includes('departmentCode')
                  ? 'Toutes les régions'
                  : 'Sélectionner une région'}
              </option>
              {RegionList.map((region) => (
                <option key={region.code} value={region.code}>
                  {region.name}
                </option>
              ))}
            </Select>
          </div>
        )}

        {scopeFields.includes('departmentCode') && (
          <div className="fr-fieldset__element">
            <Select
              label="Département"
              {...selectState(errors.departmentCode)}
              nativeSelectProps={{
                id: fieldId('departmentCode'),
                name: 'departmentCode',
                value: values.departmentCode,
                onChange: (event) => set('departmentCode')(event.target.value),
              }}
            >
              <option value="">Sélectionner un département</option>
              {departmentOptions(values.regionCode).map((department) => (
                <option key={department.code} value={department.code}>
                  {department.code} – {department.name}
                </option>
              ))}
            </Select>
          </div>
        )}

        {scopeFields.includes('laboratoryId') && (
          <div className="fr-fieldset__element">
            <Select
              label="Laboratoire"
              hint={laboratories === undefined ? 'Chargement des laboratoires…' : undefined}
              {...selectState(errors.laboratoryId)}
              nativeSelectProps={{
                id: fieldId('laboratoryId'),
                name: 'laboratoryId',
                value: values.laboratoryId,
                onChange: (event) => set('laboratoryId')(event.target.value),
              }}
            >
              <option value="">Sélectionner un laboratoire</option>
              {(laboratories ?? []).map((laboratory) => (
                <option key={laboratory.id} value={laboratory.id}>
                  {laboratory.shortName} – {laboratory.name}
                </option>
              ))}
            </Select>
          </div>
        )}
      </fieldset>

      <fieldset className="fr-fieldset" aria-labelledby="user-password-legend">
        <legend className="fr-fieldset__legend" id="user-password-legend">
          Mot de passe
        </legend>
        <div className="fr-fieldset__element">
          <PasswordInput
            label={
              mode === 'create' ? 'Mot de passe (facultatif)' : 'Nouveau mot de passe (facultatif)'
            }
            hintText={
              mode === 'create'
                ? 'Au moins 12 caractères. Sans mot de passe, l’utilisateur se connecte avec ProConnect.'
                : 'Au moins 12 caractères. Laissez vide pour garder le mot de passe actuel.'
            }
            messagesHint=""
            messages={errors.password ? [{ severity: 'error', message: errors.password }] : []}
            nativeInputProps={{
              id: fieldId('password'),
              name: 'password',
              autoComplete: 'new-password',
              value: values.password,
              onChange: (event) => set('password')(event.target.value),
            }}
          />
        </div>
      </fieldset>

      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li>
          <Button type="submit" disabled={submitting}>
            {submitting ? 'Enregistrement…' : submitLabel}
          </Button>
        </li>
        <li>{cancel}</li>
      </ul>
    </form>
  );
}

const fieldOrder: UserFormField[] = [
  'firstName',
  'lastName',
  'email',
  'role',
  'regionCode',
  'departmentCode',
  'laboratoryId',
  'password',
];

/** Moves the focus to the first field in error, so that the keyboard and the reader find it. */
export function focusFirstError(errors: UserFormErrors): void {
  const field = fieldOrder.find((candidate) => errors[candidate]);
  if (field) document.getElementById(fieldId(field))?.focus();
}
