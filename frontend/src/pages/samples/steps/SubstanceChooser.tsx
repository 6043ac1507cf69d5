import { Button } from '@codegouvfr/react-dsfr/Button';
import {
  type AnalysisMethod,
  AnalysisMethodLabels,
  SubstanceList,
  Substances,
} from '@maestro/shared/referential';
import type { SampleSubstance } from '@maestro/shared/schema';
import { useDeferredValue, useId, useMemo, useState } from 'react';
import { sampleFieldId } from '../sampleForm';

/** Lowercase without accents, so that « ethephon » finds « Éthéphon ». */
const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

const index = SubstanceList.map((substance) => ({
  substance,
  key: fold(`${substance.label} ${substance.code}`),
}));

/** At most this many matches are listed: the agent narrows the search for more. */
const SHOWN_LIMIT = 30;

export const substanceName = (code: string): string => Substances[code]?.label ?? code;

interface SubstanceChooserProps {
  value: readonly SampleSubstance[];
  onChange: (value: SampleSubstance[]) => void;
  error?: string;
}

/**
 * The substances of an out-of-programme sample, chosen by the agent: a search over the
 * referential, one checkbox per match, and the chosen ones (each with its method).
 */
export function SubstanceChooser({ value, onChange, error }: SubstanceChooserProps) {
  const uid = useId();
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search);
  const chosen = useMemo(() => new Set(value.map((s) => s.substanceCode)), [value]);
  const matches = useMemo(() => {
    const words = fold(deferred).split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    return index
      .filter(({ key }) => words.every((word) => key.includes(word)))
      .map(({ substance }) => substance);
  }, [deferred]);

  const toggle = (code: string, on: boolean) => {
    if (!on) {
      onChange(value.filter((s) => s.substanceCode !== code));
      return;
    }
    const substance = Substances[code];
    if (substance && !chosen.has(code))
      onChange([...value, { substanceCode: code, method: substance.method as AnalysisMethod }]);
  };

  return (
    <fieldset
      id={sampleFieldId('substances')}
      className={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`}
      aria-labelledby={`${uid}-legend ${uid}-messages`}
    >
      <legend className="fr-fieldset__legend" id={`${uid}-legend`}>
        Substances à analyser
        <span className="fr-hint-text">
          Hors programme, vous choisissez les substances à rechercher dans le référentiel.
        </span>
      </legend>
      <div className="fr-fieldset__element">
        <div className="fr-input-group">
          <label className="fr-label" htmlFor={`${uid}-search`}>
            Rechercher une substance
            <span className="fr-hint-text">Nom ou code, par exemple « glyphosate »</span>
          </label>
          <input
            className="fr-input"
            id={`${uid}-search`}
            type="search"
            autoComplete="off"
            aria-controls={`${uid}-matches`}
            aria-describedby={error ? `${uid}-error` : undefined}
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        <p className="fr-text--sm fr-mb-1w" role="status">
          {deferred.trim() === ''
            ? ''
            : matches.length === 0
              ? 'Aucune substance ne correspond à cette recherche.'
              : matches.length > SHOWN_LIMIT
                ? `${matches.length} substances correspondent : les ${SHOWN_LIMIT} premières sont affichées, précisez la recherche.`
                : `${matches.length} substance${matches.length > 1 ? 's correspondent' : ' correspond'}.`}
        </p>
        <ul
          id={`${uid}-matches`}
          className="fr-raw-list maestro-substance-matches"
          aria-label="Substances trouvées"
        >
          {matches.slice(0, SHOWN_LIMIT).map((substance) => {
            const inputId = `${uid}-${substance.code}`;
            return (
              <li key={substance.code}>
                <div className="fr-checkbox-group fr-checkbox-group--sm">
                  <input
                    type="checkbox"
                    id={inputId}
                    checked={chosen.has(substance.code)}
                    onChange={(event) => toggle(substance.code, event.target.checked)}
                  />
                  <label className="fr-label" htmlFor={inputId}>
                    {substance.label}
                    <span className="fr-hint-text">
                      {substance.code} · {AnalysisMethodLabels[substance.method]}
                    </span>
                  </label>
                </div>
              </li>
            );
          })}
        </ul>
      </div>
      <div className="fr-fieldset__element">
        <h4 className="fr-text--md fr-text--bold fr-mb-1w" id={`${uid}-chosen`}>
          Substances retenues ({value.length})
        </h4>
        {value.length === 0 ? (
          <p className="fr-text--sm">Aucune substance retenue.</p>
        ) : (
          <ul className="fr-raw-list maestro-chosen-list" aria-labelledby={`${uid}-chosen`}>
            {value.map((s) => (
              <li key={s.substanceCode} className="maestro-chosen-list__item">
                <span>
                  {substanceName(s.substanceCode)}{' '}
                  <span className="fr-text--xs">({AnalysisMethodLabels[s.method]})</span>
                </span>
                <Button
                  priority="tertiary no outline"
                  size="small"
                  iconId="fr-icon-close-line"
                  title={`Retirer ${substanceName(s.substanceCode)}`}
                  onClick={() => toggle(s.substanceCode, false)}
                />
              </li>
            ))}
          </ul>
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
