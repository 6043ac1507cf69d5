import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import type { SampleCompany } from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { recentCompanies, rememberCompany } from '../../../samples/offline';
import { fieldState, useStepFields } from '../SampleFormFields';
import {
  type CompanyDraft,
  type CompanyDraftErrors,
  companyAddress,
  companyDraftOf,
  companyFromDirectory,
  formatSiret,
  parseCompanyDraft,
  sampleFieldId,
} from '../sampleForm';
import { companySearchQuery } from '../sampleFormQueries';

interface CompanyFieldsProps {
  value: SampleCompany | null;
  onChange: (company: SampleCompany | null) => void;
  /** The record's problem « entreprise ou parcelle » (shown after « Suivant »). */
  error?: string;
  departmentCode: string | null;
  /** False when the API did not answer the last check: the directory is not even tried. */
  online: boolean;
  /** The agent: their recently used companies are offered when the directory is unavailable. */
  ownerId: string;
}

const SEARCH_DELAY_MS = 400;

/**
 * A request to open the company search (the sample's page asks the agent to link a SIRET): the
 * company fields shown next, or already shown, take the focus to the directory's search field
 * (to the SIRET field when the directory is out of reach). A request not taken soon expires.
 */
let searchRequestedAt: number | null = null;
const SEARCH_REQUEST_TTL_MS = 5_000;
const searchRequestListeners = new Set<() => void>();

export function openCompanySearch(): void {
  searchRequestedAt = Date.now();
  for (const listener of searchRequestListeners) listener();
}

/** Waits until the value has not changed for a while (typing in a search field). */
function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

const fieldLabels: Record<keyof CompanyDraft, string> = {
  siret: 'SIRET (facultatif)',
  name: 'Raison sociale',
  address: 'Adresse (facultatif)',
  postalCode: 'Code postal (facultatif)',
  city: 'Commune (facultatif)',
  nafCode: 'Code NAF (facultatif)',
};

const fieldHints: Partial<Record<keyof CompanyDraft, string>> = {
  siret: '14 chiffres',
  postalCode: '5 chiffres',
  nafCode: 'Format attendu : 01.13Z',
};

const maxLengths: Record<keyof CompanyDraft, number> = {
  siret: 17,
  name: 300,
  address: 500,
  postalCode: 5,
  city: 200,
  nafCode: 6,
};

/**
 * The company of the place: found in the public directory (name, SIRET or SIREN), or typed
 * when the directory cannot be reached (offline, or the directory is down).
 */
export function CompanyFields({
  value,
  onChange,
  error,
  departmentCode,
  online,
  ownerId,
}: CompanyFieldsProps) {
  const uid = useId();
  const { showErrors, reportFormatError } = useStepFields();
  const [search, setSearch] = useState('');
  const [draft, setDraft] = useState<CompanyDraft>(() => companyDraftOf(value));
  const [touched, setTouched] = useState<Set<keyof CompanyDraft>>(() => new Set());
  const [chosen, setChosen] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const takeSearchRequest = () => {
      if (searchRequestedAt === null || Date.now() - searchRequestedAt > SEARCH_REQUEST_TTL_MS)
        return;
      const target = searchRef.current ?? document.getElementById(sampleFieldId('company.siret'));
      if (!target) return;
      searchRequestedAt = null;
      target.focus();
      target.scrollIntoView?.({ block: 'center' });
    };
    takeSearchRequest();
    searchRequestListeners.add(takeSearchRequest);
    return () => {
      searchRequestListeners.delete(takeSearchRequest);
    };
  }, []);

  const term = useDebounced(search.trim(), SEARCH_DELAY_MS);
  const searching = term.length >= 3 && online;
  const results = useQuery({
    ...companySearchQuery({
      q: term,
      ...(departmentCode && /^(?:\d{2,3}|2[AB])$/.test(departmentCode) ? { departmentCode } : {}),
    }),
    enabled: searching,
  });
  const unavailable =
    !online || results.isError || (results.data !== undefined && !results.data.available);
  const recents = useQuery({
    queryKey: ['recent-companies', ownerId],
    queryFn: () => recentCompanies(ownerId),
    enabled: unavailable,
    staleTime: 0,
  });

  // The record's company changed elsewhere (a conflict resolved…): show it. Only on a change:
  // the effect of the first render may run after the agent's first keystroke, which must stay.
  const recordKey = JSON.stringify(value);
  const shownKey = useRef(recordKey);
  // biome-ignore lint/correctness/useExhaustiveDependencies: recordKey stands for value
  useEffect(() => {
    if (shownKey.current === recordKey) return;
    shownKey.current = recordKey;
    setDraft((current) => {
      const parsed = parseCompanyDraft(current);
      return parsed.ok && JSON.stringify(parsed.company) === recordKey
        ? current
        : companyDraftOf(value);
    });
  }, [recordKey]);

  const parsed = parseCompanyDraft(draft);
  const draftErrors: CompanyDraftErrors = parsed.ok ? {} : parsed.errors;
  const errorsKey = JSON.stringify(draftErrors);
  useEffect(() => {
    const errors = JSON.parse(errorsKey) as CompanyDraftErrors;
    for (const field of Object.keys(fieldLabels) as (keyof CompanyDraft)[])
      reportFormatError(`company.${field}`, errors[field] ?? null);
  }, [errorsKey, reportFormatError]);
  useEffect(
    () => () => {
      for (const field of Object.keys(fieldLabels)) reportFormatError(`company.${field}`, null);
    },
    [reportFormatError],
  );

  const change = (field: keyof CompanyDraft, text: string) => {
    const next = { ...draft, [field]: text };
    setDraft(next);
    setChosen(null);
    const result = parseCompanyDraft(next);
    if (result.ok) onChange(result.company);
  };

  const choose = (sampleCompany: SampleCompany) => {
    setDraft(companyDraftOf(sampleCompany));
    setTouched(new Set());
    setChosen(sampleCompany.name);
    setSearch('');
    onChange(sampleCompany);
    // Offered again when the directory is out of reach (offline).
    void rememberCompany(ownerId, sampleCompany).catch(() => {});
    // The chosen result disappears with the list: the focus goes to the filled fields.
    setTimeout(() => nameRef.current?.focus(), 0);
  };

  const showResults =
    searching && !unavailable && results.data !== undefined && results.data.companies.length > 0;

  const messageOf = (field: keyof CompanyDraft) =>
    draftErrors[field] && (touched.has(field) || showErrors) ? draftErrors[field] : undefined;

  const statusText = !searching
    ? ''
    : results.isFetching
      ? 'Recherche en cours…'
      : unavailable
        ? ''
        : results.data?.companies.length === 0
          ? 'Aucune entreprise ne correspond à cette recherche.'
          : results.data
            ? `${results.data.companies.length} entreprise${results.data.companies.length > 1 ? 's' : ''} trouvée${results.data.companies.length > 1 ? 's' : ''}.`
            : '';

  return (
    <fieldset
      className={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`}
      id={sampleFieldId('company')}
      aria-labelledby={`${uid}-legend ${uid}-messages`}
    >
      <legend className="fr-fieldset__legend" id={`${uid}-legend`}>
        Entreprise
        <span className="fr-hint-text">
          L’entreprise ou la parcelle est obligatoire ; renseignez au moins l’une des deux.
        </span>
      </legend>

      <div className="fr-fieldset__element">
        {online && (
          <Input
            label="Rechercher dans l’annuaire des entreprises"
            hintText="Nom, SIRET ou SIREN, 3 caractères au moins"
            nativeInputProps={{
              id: `${uid}-search`,
              ref: searchRef,
              type: 'search',
              autoComplete: 'off',
              // Only an element that exists may be named (axe: aria-valid-attr-value).
              'aria-controls': showResults ? `${uid}-results` : undefined,
              'aria-describedby': error ? `${uid}-error` : undefined,
              value: search,
              onChange: (event) => setSearch(event.target.value),
            }}
          />
        )}
        {unavailable && (
          <Alert
            small
            severity="info"
            className="fr-mb-2w"
            description="Annuaire indisponible : saisissez l’entreprise."
          />
        )}
        {unavailable && recents.data && recents.data.length > 0 && (
          <details className="fr-mb-2w maestro-recent-companies">
            <summary>Reprendre une entreprise utilisée récemment ({recents.data.length})</summary>
            <ul className="fr-raw-list maestro-company-results">
              {recents.data.map((company) => (
                <li
                  key={`${company.siret ?? ''}-${company.name}`}
                  className="maestro-company-results__item"
                >
                  <div>
                    <p className="fr-text--bold fr-mb-0">{company.name}</p>
                    <p className="fr-text--sm fr-mb-0">
                      {company.siret ? `SIRET ${formatSiret(company.siret)} · ` : ''}
                      {companyAddress(company)}
                    </p>
                  </div>
                  <Button
                    size="small"
                    priority="secondary"
                    onClick={() => choose(company)}
                    nativeButtonProps={{ 'aria-label': `Choisir ${company.name}` }}
                  >
                    Choisir
                  </Button>
                </li>
              ))}
            </ul>
          </details>
        )}
        <p className="fr-sr-only" role="status">
          {statusText}
        </p>
        {chosen && (
          <p className="fr-text--sm fr-mb-1w" role="status">
            Entreprise « {chosen} » reprise.
          </p>
        )}
        {showResults && results.data && (
          <ul
            id={`${uid}-results`}
            className="fr-raw-list maestro-company-results"
            aria-label="Entreprises trouvées"
          >
            {results.data.companies.map((company) => (
              <li key={company.siret} className="maestro-company-results__item">
                <div>
                  <p className="fr-text--bold fr-mb-0">{company.name}</p>
                  <p className="fr-text--sm fr-mb-0">
                    SIRET {formatSiret(company.siret)}
                    {company.nafCode ? ` · NAF ${company.nafCode}` : ''}
                  </p>
                  <p className="fr-text--sm fr-mb-0">{companyAddress(company)}</p>
                </div>
                <Button
                  size="small"
                  priority="secondary"
                  onClick={() => choose(companyFromDirectory(company))}
                  nativeButtonProps={{
                    'aria-label': `Choisir ${company.name}, SIRET ${company.siret}`,
                  }}
                >
                  Choisir
                </Button>
              </li>
            ))}
          </ul>
        )}
        {searching && !unavailable && results.data?.companies.length === 0 && (
          <p className="fr-text--sm">
            Aucune entreprise ne correspond à cette recherche : vérifiez-la ou saisissez
            l’entreprise ci-dessous.
          </p>
        )}
      </div>

      <div className="fr-fieldset__element">
        <div className="fr-grid-row fr-grid-row--gutters">
          {(Object.keys(fieldLabels) as (keyof CompanyDraft)[]).map((field) => (
            <div
              key={field}
              className={
                field === 'name' || field === 'address'
                  ? 'fr-col-12'
                  : 'fr-col-12 fr-col-sm-6 fr-col-md-4'
              }
            >
              <Input
                label={fieldLabels[field]}
                hintText={fieldHints[field]}
                {...fieldState(messageOf(field))}
                nativeInputProps={{
                  id: sampleFieldId(`company.${field}`),
                  name: `company.${field}`,
                  ref: field === 'name' ? nameRef : undefined,
                  autoComplete: 'off',
                  inputMode: field === 'siret' || field === 'postalCode' ? 'numeric' : undefined,
                  maxLength: maxLengths[field],
                  value: draft[field],
                  onChange: (event) => change(field, event.target.value),
                  onBlur: () => setTouched((current) => new Set(current).add(field)),
                }}
              />
            </div>
          ))}
        </div>
        {value && value.siret === null && (
          <p className="fr-text--sm fr-mt-1w">
            Entreprise sans SIRET : rattachez-la à son SIRET dès que l’annuaire est disponible.
          </p>
        )}
      </div>

      <div className="fr-messages-group" id={`${uid}-messages`} aria-live="polite">
        {error && (
          <p className="fr-message fr-message--error" id={`${uid}-error`}>
            {error}
          </p>
        )}
      </div>
    </fieldset>
  );
}
