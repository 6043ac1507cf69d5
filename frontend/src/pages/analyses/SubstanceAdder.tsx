import { Button } from '@codegouvfr/react-dsfr/Button';
import { AnalysisMethodLabels, SubstanceList } from '@maestro/shared/referential';
import type { Analysis } from '@maestro/shared/schema';
import { forwardRef, useDeferredValue, useId, useMemo, useState } from 'react';

/** Lowercase without accents: « ethephon » finds « Éthéphon ». */
const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

const index = SubstanceList.map((substance) => ({
  substance,
  key: fold(`${substance.label} ${substance.code}`),
}));

/** At most this many matches are listed: the search is narrowed for more. */
const SHOWN_LIMIT = 20;

interface SubstanceAdderProps {
  id: string;
  analysis: Pick<Analysis, 'sample'>;
  /** The substances already in the table. */
  present: ReadonlySet<string>;
  onAdd: (code: string) => void;
  onAddRequested: () => void;
  error?: string;
}

/**
 * Adds residues to the table: every requested substance at once (« non détecté »), or one
 * substance found by name or code, the requested ones first.
 */
export const SubstanceAdder = forwardRef<HTMLInputElement, SubstanceAdderProps>(
  function SubstanceAdder({ id, analysis, present, onAdd, onAddRequested, error }, searchRef) {
    const uid = useId();
    const [search, setSearch] = useState('');
    const deferred = useDeferredValue(search);
    const requested = useMemo(
      () => new Set(analysis.sample.substances.map((substance) => substance.substanceCode)),
      [analysis.sample.substances],
    );
    const missingRequested = [...requested].filter((code) => !present.has(code));
    const matches = useMemo(() => {
      const words = fold(deferred).split(/\s+/).filter(Boolean);
      const found = index
        .filter(({ substance, key }) =>
          words.length === 0
            ? requested.has(substance.code)
            : words.every((word) => key.includes(word)),
        )
        .map(({ substance }) => substance)
        .filter((substance) => !present.has(substance.code));
      return [
        ...found.filter((substance) => requested.has(substance.code)),
        ...found.filter((substance) => !requested.has(substance.code)),
      ];
    }, [deferred, requested, present]);
    const searching = deferred.trim() !== '';

    return (
      <fieldset
        id={id}
        tabIndex={-1}
        className={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`}
        aria-labelledby={`${uid}-legend`}
        aria-describedby={error ? `${uid}-error` : undefined}
      >
        <legend className="fr-fieldset__legend" id={`${uid}-legend`}>
          Ajouter des résidus
          <span className="fr-hint-text">
            Une ligne par substance : les substances recherchées sont proposées d’abord.
          </span>
        </legend>
        <div className="fr-fieldset__element">
          <Button
            type="button"
            priority="secondary"
            iconId="fr-icon-add-line"
            disabled={missingRequested.length === 0}
            onClick={onAddRequested}
          >
            Ajouter toutes les substances recherchées
          </Button>
          {requested.size > 0 && missingRequested.length === 0 && (
            <p className="fr-hint-text fr-mt-1w">
              Toutes les substances recherchées sont dans le tableau.
            </p>
          )}
        </div>
        <div className="fr-fieldset__element">
          <div className="fr-input-group fr-mb-1w">
            <label className="fr-label" htmlFor={`${uid}-search`}>
              Rechercher une substance du référentiel
              <span className="fr-hint-text">Nom ou code, par exemple « chlorpyrifos »</span>
            </label>
            <input
              ref={searchRef}
              className="fr-input"
              id={`${uid}-search`}
              type="search"
              autoComplete="off"
              aria-controls={matches.length > 0 ? `${uid}-matches` : undefined}
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
          </div>
          <p className="fr-text--sm fr-mb-1w" role="status">
            {!searching
              ? ''
              : matches.length === 0
                ? 'Aucune substance à ajouter ne correspond à cette recherche.'
                : matches.length > SHOWN_LIMIT
                  ? `${matches.length} substances correspondent : les ${SHOWN_LIMIT} premières sont affichées, précisez la recherche.`
                  : `${matches.length} substance${matches.length > 1 ? 's correspondent' : ' correspond'}.`}
          </p>
          {matches.length > 0 && (
            <ul
              id={`${uid}-matches`}
              className="maestro-substance-results"
              aria-label={searching ? 'Substances trouvées' : 'Substances recherchées à saisir'}
            >
              {matches.slice(0, SHOWN_LIMIT).map((substance) => (
                <li key={substance.code}>
                  <Button
                    type="button"
                    size="small"
                    priority="tertiary"
                    iconId="fr-icon-add-line"
                    onClick={() => onAdd(substance.code)}
                  >
                    {`Ajouter ${substance.label}`}
                  </Button>{' '}
                  <span className="fr-text--xs">
                    {substance.code} · {AnalysisMethodLabels[substance.method]}
                    {requested.has(substance.code) ? ' · recherchée sur ce prélèvement' : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="fr-messages-group" aria-live="polite">
          {error && (
            <p className="fr-message fr-message--error" id={`${uid}-error`}>
              {error}
            </p>
          )}
        </div>
      </fieldset>
    );
  },
);
