import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Pagination } from '@codegouvfr/react-dsfr/Pagination';
import { Select } from '@codegouvfr/react-dsfr/Select';
import {
  DEFAULT_MRL,
  Matrices,
  MatrixKindList,
  matricesOfKind,
  SubstanceList,
} from '@maestro/shared/referential';
import {
  MRL_SOURCE_MAX_LENGTH,
  type MrlRow,
  type MrlToCreate,
  type MrlToUpdate,
} from '@maestro/shared/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, Fragment, useEffect, useId, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiClientError, api } from '../../api/client';
import { DsfrTable } from '../../app/DsfrTable';
import { Loading } from '../../app/Loading';
import { usePageTitle } from '../../app/pageTitle';
import {
  formatMrlValue,
  type MrlField,
  type MrlFormErrors,
  matrixLabel,
  mrlValueText,
  PAST_VERDICTS_REMINDER,
  substanceLabel,
  toMrlCreate,
  toMrlUpdate,
} from './mrlForm';
import { mrlTableQuery, staleAfterMrlChange } from './queries';

export const MRLS_PER_PAGE = 20;

/** The filters of the table, read from the address (they survive a reload or a link). */
export function mrlFiltersOf(params: URLSearchParams) {
  const matrixCode = params.get('matrice');
  const page = Number(params.get('page'));
  return {
    q: params.get('q')?.trim() ?? '',
    matrixCode: matrixCode && Matrices[matrixCode] ? matrixCode : undefined,
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

const keyOf = (row: Pick<MrlRow, 'substanceCode' | 'matrixCode'>) =>
  `${row.substanceCode}|${row.matrixCode}`;

const formatDate = (date: Date) => new Intl.DateTimeFormat('fr-FR').format(date);

const countOf = (count: number, singular: string, plural: string) =>
  `${count.toLocaleString('fr-FR')} ${count > 1 ? plural : singular}`;

/** The API's field messages (`body.value` → value), for the fields of the MRL forms. */
function errorsOfApi(error: unknown): MrlFormErrors {
  const errors: MrlFormErrors = {};
  if (!(error instanceof ApiClientError)) return errors;
  for (const issue of error.body.issues) {
    const field = issue.path.replace(/^body\./, '') as MrlField;
    if (['substanceCode', 'matrixCode', 'value', 'source'].includes(field))
      errors[field] ??= issue.message;
  }
  return errors;
}

const firstField = (errors: MrlFormErrors): MrlField | undefined =>
  (['substanceCode', 'matrixCode', 'value', 'source'] as const).find((field) => errors[field]);

const messageOf = (error: unknown, fallback: string) =>
  error instanceof Error && error.message ? error.message : fallback;

/** The matrices grouped by kind, as options of a select. */
function MatrixOptions() {
  return MatrixKindList.map((kind) => (
    <optgroup key={kind.code} label={kind.label}>
      {matricesOfKind(kind.code).map((matrix) => (
        <option key={matrix.code} value={matrix.code}>
          {matrix.label}
        </option>
      ))}
    </optgroup>
  ));
}

/** The administrator's page of the MRL table: read, correct, add. */
export default function MrlPage() {
  const heading = usePageTitle('Limites maximales de résidus (LMR)');
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filters = mrlFiltersOf(params);
  const [search, setSearch] = useState(filters.q);
  useEffect(() => setSearch(filters.q), [filters.q]);
  const table = useQuery(
    mrlTableQuery({
      q: filters.q || undefined,
      matrixCode: filters.matrixCode,
      page: filters.page,
      perPage: MRLS_PER_PAGE,
    }),
  );
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [feedback, setFeedback] = useState<string | null>(null);
  const feedbackRef = useRef<HTMLDivElement>(null);
  const filtered = filters.q !== '' || filters.matrixCode !== undefined;

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(name);
    else next.set(name, value);
    next.delete('page');
    setParams(next);
  };

  const submitSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFilter('q', search.trim());
  };

  const clearFilters = () => {
    setSearch('');
    setParams(new URLSearchParams());
  };

  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    if (page === 1) next.delete('page');
    else next.set('page', String(page));
    const query = next.toString();
    return { to: query ? `?${query}` : '?' };
  };

  /** After a change: the message, read again what it made stale, focus on the message. */
  const changed = (message: string) => {
    setFeedback(message);
    for (const queryKey of staleAfterMrlChange) void queryClient.invalidateQueries({ queryKey });
    setTimeout(() => feedbackRef.current?.focus(), 0);
  };

  const closeEditing = (row: MrlRow) => {
    setEditing(null);
    setTimeout(() => document.getElementById(`mrl-edit-${keyOf(row)}`)?.focus(), 0);
  };

  const total = table.data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / MRLS_PER_PAGE));

  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters fr-mb-2w">
        <div className="fr-col">
          <h1 ref={heading} tabIndex={-1} className="fr-mb-0">
            Limites maximales de résidus (LMR)
          </h1>
        </div>
        <div className="fr-col-auto">
          <Button
            iconId="fr-icon-add-line"
            onClick={() => {
              setAdding((open) => !open);
              setFeedback(null);
            }}
            nativeButtonProps={{ 'aria-expanded': adding, 'aria-controls': 'mrl-add' }}
          >
            Ajouter une LMR
          </Button>
        </div>
      </div>
      <p>
        Les LMR du règlement (CE) 396/2005, en mg/kg, par substance et par matrice. Elles servent à
        juger les résultats des laboratoires ; une substance sans LMR pour une matrice est jugée
        avec la LMR par défaut de {formatMrlValue(DEFAULT_MRL)} mg/kg. Une LMR corrigée ou ajoutée
        ici n’est plus remplacée par les mises à jour du référentiel.
      </p>

      <div ref={feedbackRef} tabIndex={-1} className="maestro-focus-target">
        {feedback && (
          <div data-testid="mrl-feedback">
            <Alert
              small
              severity="success"
              role="status"
              className="fr-mb-3w"
              description={feedback}
            />
          </div>
        )}
      </div>

      <div id="mrl-add">
        {adding && (
          <AddMrlForm
            defaultMatrixCode={filters.matrixCode ?? ''}
            onCancel={() => setAdding(false)}
            onCreated={(row) => {
              setAdding(false);
              changed(
                `La LMR de ${substanceLabel(row.substanceCode)} pour ${matrixLabel(row.matrixCode)} est ajoutée : ${formatMrlValue(row.value)} mg/kg. ${PAST_VERDICTS_REMINDER}`,
              );
            }}
          />
        )}
      </div>

      <search aria-label="Filtrer les LMR" className="fr-mb-3w">
        <form onSubmit={submitSearch}>
          <div className="fr-grid-row fr-grid-row--gutters maestro-filters">
            <div className="fr-col-12 fr-col-md-5">
              <Select
                label="Matrice"
                className="fr-mb-0"
                nativeSelectProps={{
                  id: 'mrl-filter-matrix',
                  value: filters.matrixCode ?? '',
                  onChange: (event) => setFilter('matrice', event.target.value),
                }}
              >
                <option value="">Toutes les matrices</option>
                <MatrixOptions />
              </Select>
            </div>
            <div className="fr-col-12 fr-col-md-5">
              <Input
                label="Substance"
                hintText="Nom ou code de la substance"
                className="fr-mb-0"
                nativeInputProps={{
                  id: 'mrl-filter-substance',
                  type: 'search',
                  name: 'q',
                  value: search,
                  maxLength: 100,
                  onChange: (event) => setSearch(event.target.value),
                }}
              />
            </div>
            <div className="fr-col-12 fr-col-md-2">
              <Button type="submit" iconId="fr-icon-search-line">
                Rechercher
              </Button>
            </div>
          </div>
        </form>
      </search>

      {table.isPending ? (
        <Loading label="Chargement des LMR…" />
      ) : table.isError ? (
        <Alert
          severity="error"
          title="La table des LMR n’a pas pu être chargée"
          description={
            <>
              <p>{table.error.message}</p>
              <Button
                className="fr-mt-2w"
                priority="secondary"
                onClick={() => void table.refetch()}
              >
                Réessayer
              </Button>
            </>
          }
        />
      ) : (
        <>
          <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters">
            <p className="fr-col fr-mb-0" role="status" data-testid="mrl-count">
              {total === 0
                ? filtered
                  ? 'Aucune LMR ne correspond à ces critères.'
                  : 'La table des LMR est vide.'
                : filtered
                  ? `${countOf(total, 'LMR correspond', 'LMR correspondent')} à ces critères.`
                  : countOf(total, 'LMR', 'LMR')}
            </p>
            {filtered && (
              <div className="fr-col-auto">
                <Button
                  priority="tertiary"
                  size="small"
                  iconId="fr-icon-close-circle-line"
                  onClick={clearFilters}
                >
                  Effacer les filtres
                </Button>
              </div>
            )}
          </div>

          {total > 0 && (
            <DsfrTable className="fr-mt-2w" busy={table.isFetching}>
              <caption>
                Table des LMR
                {pageCount > 1 ? `, page ${table.data.page} sur ${pageCount}` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Substance</th>
                  <th scope="col">Matrice</th>
                  <th scope="col">LMR (mg/kg)</th>
                  <th scope="col">Source</th>
                  <th scope="col">État</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {table.data.items.map((row) => {
                  const key = keyOf(row);
                  const isEditing = editing === key;
                  const name = `${substanceLabel(row.substanceCode)} pour ${matrixLabel(row.matrixCode)}`;
                  return (
                    <Fragment key={key}>
                      <tr data-testid={`mrl-${key}`}>
                        <th scope="row">
                          {substanceLabel(row.substanceCode)}
                          <br />
                          <span className="fr-text--xs">{row.substanceCode}</span>
                        </th>
                        <td>{matrixLabel(row.matrixCode)}</td>
                        <td>{formatMrlValue(row.value)}</td>
                        <td>{row.source}</td>
                        <td>
                          {row.corrected ? (
                            <>
                              <Badge severity="info" small noIcon>
                                Corrigée
                              </Badge>
                              <br />
                              <span className="fr-text--xs">le {formatDate(row.updatedAt)}</span>
                            </>
                          ) : (
                            <span className="fr-text--sm">Valeur d’origine</span>
                          )}
                        </td>
                        <td>
                          <Button
                            size="small"
                            priority="secondary"
                            iconId="fr-icon-edit-line"
                            onClick={() => {
                              setEditing(isEditing ? null : key);
                              setFeedback(null);
                            }}
                            nativeButtonProps={{
                              id: `mrl-edit-${key}`,
                              'aria-expanded': isEditing,
                              'aria-controls': isEditing ? `mrl-form-${key}` : undefined,
                            }}
                          >
                            Modifier <span className="fr-sr-only">la LMR de {name}</span>
                          </Button>
                        </td>
                      </tr>
                      {isEditing && (
                        <tr>
                          <td colSpan={6}>
                            <EditMrlForm
                              row={row}
                              onCancel={() => closeEditing(row)}
                              onUpdated={(updated) => {
                                setEditing(null);
                                changed(
                                  `La LMR de ${name} est désormais de ${formatMrlValue(updated.value)} mg/kg. ${PAST_VERDICTS_REMINDER}`,
                                );
                              }}
                            />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </DsfrTable>
          )}

          {pageCount > 1 && (
            <Pagination
              className="fr-mt-3w"
              count={pageCount}
              defaultPage={Math.min(filters.page, pageCount)}
              getPageLinkProps={pageLink}
            />
          )}
        </>
      )}
    </div>
  );
}

/** The value and source inputs of both forms. */
function ValueAndSource({
  uid,
  value,
  source,
  errors,
  onChange,
}: {
  uid: string;
  value: string;
  source: string;
  errors: MrlFormErrors;
  onChange: (field: 'value' | 'source', text: string) => void;
}) {
  return (
    <>
      <div className="fr-fieldset__element">
        <Input
          label="LMR (mg/kg)"
          hintText="Par exemple 0,05 (virgule ou point), 6 décimales au plus."
          state={errors.value ? 'error' : 'default'}
          stateRelatedMessage={errors.value}
          nativeInputProps={{
            id: `${uid}-value`,
            name: 'value',
            inputMode: 'decimal',
            autoComplete: 'off',
            value,
            onChange: (event) => onChange('value', event.target.value),
          }}
        />
      </div>
      <div className="fr-fieldset__element">
        <Input
          label="Source"
          hintText="Le texte qui fixe la valeur, par exemple « Règlement (UE) 2023/1234 »."
          state={errors.source ? 'error' : 'default'}
          stateRelatedMessage={errors.source}
          nativeInputProps={{
            id: `${uid}-source`,
            name: 'source',
            maxLength: MRL_SOURCE_MAX_LENGTH,
            autoComplete: 'off',
            value: source,
            onChange: (event) => onChange('source', event.target.value),
          }}
        />
      </div>
    </>
  );
}

/** Correcting one row, with the version read: a concurrent change is refused (409). */
function EditMrlForm({
  row,
  onCancel,
  onUpdated,
}: {
  row: MrlRow;
  onCancel: () => void;
  onUpdated: (row: MrlRow) => void;
}) {
  const uid = useId();
  const [values, setValues] = useState({ value: mrlValueText(row.value), source: row.source });
  const [version, setVersion] = useState(row.version);
  const [errors, setErrors] = useState<MrlFormErrors>({});
  const [refused, setRefused] = useState<{ message: string; conflict: boolean } | null>(null);
  const [reloaded, setReloaded] = useState<MrlRow | null>(null);
  const name = `${substanceLabel(row.substanceCode)} pour ${matrixLabel(row.matrixCode)}`;
  const key = { substanceCode: row.substanceCode, matrixCode: row.matrixCode };

  useEffect(() => {
    document.getElementById(`${uid}-value`)?.focus();
  }, [uid]);

  const focus = (field: MrlField | undefined) =>
    setTimeout(() => document.getElementById(`${uid}-${field ?? 'refused'}`)?.focus(), 0);

  const update = useMutation({
    mutationFn: (body: MrlToUpdate) => api.updateMrl({ params: key, body }),
    onSuccess: onUpdated,
    onError: (error) => {
      const fieldErrors = errorsOfApi(error);
      setErrors(fieldErrors);
      const conflict = error instanceof ApiClientError && error.status === 409;
      setRefused({
        message: messageOf(error, 'La correction n’a pas pu être enregistrée.'),
        conflict,
      });
      focus(conflict ? undefined : firstField(fieldErrors));
    },
  });

  const reload = useMutation({
    mutationFn: () => api.findMrlTable({ query: { ...key, page: 1, perPage: 1 } }),
    onSuccess: (page) => {
      const current = page.items[0];
      if (!current) {
        setRefused({ message: 'Cette LMR n’existe plus dans la table.', conflict: false });
        return;
      }
      setVersion(current.version);
      setReloaded(current);
      setRefused(null);
      focus('value');
    },
    onError: (error) =>
      setRefused({
        message: messageOf(error, 'La LMR n’a pas pu être rechargée.'),
        conflict: true,
      }),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = toMrlUpdate(values, version);
    setRefused(null);
    if (result.errors) {
      setErrors(result.errors);
      focus(firstField(result.errors));
      return;
    }
    setErrors({});
    update.mutate(result.body);
  };

  return (
    <form
      id={`mrl-form-${keyOf(row)}`}
      onSubmit={submit}
      noValidate
      aria-labelledby={`${uid}-title`}
      data-testid="mrl-edit-form"
    >
      <fieldset className="fr-fieldset fr-mb-0">
        <legend id={`${uid}-title`} className="fr-fieldset__legend fr-h6">
          Modifier la LMR de {name}
        </legend>
        <p className="fr-fieldset__element fr-text--sm">
          Valeur actuelle : {formatMrlValue(row.value)} mg/kg ({row.source}).{' '}
          {PAST_VERDICTS_REMINDER}
        </p>
        {reloaded && (
          <div className="fr-fieldset__element">
            <Alert
              small
              severity="info"
              description={`Valeur enregistrée entre-temps : ${formatMrlValue(reloaded.value)} mg/kg (${reloaded.source}). Vérifiez votre correction puis enregistrez-la de nouveau.`}
            />
          </div>
        )}
        <ValueAndSource
          uid={uid}
          value={values.value}
          source={values.source}
          errors={errors}
          onChange={(field, text) => setValues((current) => ({ ...current, [field]: text }))}
        />
        <div
          id={`${uid}-refused`}
          tabIndex={-1}
          className="fr-fieldset__element maestro-focus-target"
        >
          {refused && (
            <Alert
              small
              severity="error"
              role="alert"
              description={
                <>
                  <span>La correction a été refusée : {refused.message}</span>
                  {refused.conflict && (
                    <Button
                      className="fr-mt-1w"
                      size="small"
                      priority="secondary"
                      type="button"
                      iconId="fr-icon-refresh-line"
                      disabled={reload.isPending}
                      onClick={() => reload.mutate()}
                    >
                      Recharger la valeur actuelle
                    </Button>
                  )}
                </>
              }
            />
          )}
        </div>
        <div className="fr-fieldset__element">
          <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mb-0">
            <li>
              <Button type="submit" iconId="fr-icon-save-line" disabled={update.isPending}>
                {update.isPending ? 'Enregistrement…' : 'Enregistrer la correction'}
              </Button>
            </li>
            <li>
              <Button type="button" priority="secondary" onClick={onCancel}>
                Annuler
              </Button>
            </li>
          </ul>
        </div>
      </fieldset>
    </form>
  );
}

const substancesByName = [...SubstanceList].sort((a, b) => a.label.localeCompare(b.label, 'fr'));

/** Adding an MRL the table lacks (the default MRL applied until now). */
function AddMrlForm({
  defaultMatrixCode,
  onCancel,
  onCreated,
}: {
  defaultMatrixCode: string;
  onCancel: () => void;
  onCreated: (row: MrlRow) => void;
}) {
  const uid = useId();
  const [values, setValues] = useState({
    substanceCode: '',
    matrixCode: defaultMatrixCode,
    value: '',
    source: '',
  });
  const [errors, setErrors] = useState<MrlFormErrors>({});
  const [refused, setRefused] = useState<string | null>(null);

  useEffect(() => {
    document.getElementById(`${uid}-substanceCode`)?.focus();
  }, [uid]);

  const focus = (field: MrlField | undefined) =>
    setTimeout(() => document.getElementById(`${uid}-${field ?? 'refused'}`)?.focus(), 0);

  const create = useMutation({
    mutationFn: (body: MrlToCreate) => api.createMrl({ body }),
    onSuccess: onCreated,
    onError: (error) => {
      const fieldErrors = errorsOfApi(error);
      setErrors(fieldErrors);
      setRefused(messageOf(error, 'La LMR n’a pas pu être ajoutée.'));
      focus(undefined);
    },
  });

  const set = (field: MrlField, text: string) =>
    setValues((current) => ({ ...current, [field]: text }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = toMrlCreate(values);
    setRefused(null);
    if (result.errors) {
      setErrors(result.errors);
      focus(firstField(result.errors));
      return;
    }
    setErrors({});
    create.mutate(result.body);
  };

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-labelledby={`${uid}-title`}
      className="fr-mb-4w"
      data-testid="mrl-add-form"
    >
      <fieldset className="fr-fieldset">
        <legend id={`${uid}-title`} className="fr-fieldset__legend fr-h5">
          Ajouter une LMR
        </legend>
        <p className="fr-fieldset__element fr-text--sm">
          Pour une substance et une matrice absentes de la table, jugées jusqu’ici avec la LMR par
          défaut ({formatMrlValue(DEFAULT_MRL)} mg/kg). {PAST_VERDICTS_REMINDER}
        </p>
        <div className="fr-fieldset__element">
          <Select
            label="Substance"
            state={errors.substanceCode ? 'error' : 'default'}
            stateRelatedMessage={errors.substanceCode}
            nativeSelectProps={{
              id: `${uid}-substanceCode`,
              name: 'substanceCode',
              value: values.substanceCode,
              onChange: (event) => set('substanceCode', event.target.value),
            }}
          >
            <option value="">Choisir une substance</option>
            {substancesByName.map((substance) => (
              <option key={substance.code} value={substance.code}>
                {substance.label} ({substance.code})
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-fieldset__element">
          <Select
            label="Matrice"
            state={errors.matrixCode ? 'error' : 'default'}
            stateRelatedMessage={errors.matrixCode}
            nativeSelectProps={{
              id: `${uid}-matrixCode`,
              name: 'matrixCode',
              value: values.matrixCode,
              onChange: (event) => set('matrixCode', event.target.value),
            }}
          >
            <option value="">Choisir une matrice</option>
            <MatrixOptions />
          </Select>
        </div>
        <ValueAndSource
          uid={uid}
          value={values.value}
          source={values.source}
          errors={errors}
          onChange={set}
        />
        <div
          id={`${uid}-refused`}
          tabIndex={-1}
          className="fr-fieldset__element maestro-focus-target"
        >
          {refused && (
            <Alert
              small
              severity="error"
              role="alert"
              description={`L’ajout a été refusé : ${refused}`}
            />
          )}
        </div>
        <div className="fr-fieldset__element">
          <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mb-0">
            <li>
              <Button type="submit" iconId="fr-icon-add-line" disabled={create.isPending}>
                {create.isPending ? 'Ajout…' : 'Ajouter la LMR'}
              </Button>
            </li>
            <li>
              <Button type="button" priority="secondary" onClick={onCancel}>
                Annuler
              </Button>
            </li>
          </ul>
        </div>
      </fieldset>
    </form>
  );
}
