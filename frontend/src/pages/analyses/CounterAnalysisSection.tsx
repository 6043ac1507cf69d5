import { Button } from '@codegouvfr/react-dsfr/Button';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { itemLetter } from '@maestro/shared/domain';
import { type Analysis, CounterAnalysisInput } from '@maestro/shared/schema';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { useLaboratories } from '../../app/laboratories';
import { serverSampleQuery } from '../samples/sampleFormQueries';
import {
  ErrorSummary,
  errorMessage,
  errorsOfApi,
  errorsOfZod,
  type FieldErrors,
} from './formErrors';
import { analysesKey } from './queries';
import { TextAreaField } from './TextAreaField';

const fieldId = (path: string) => `counter-${path}`;
const FieldLabels: Record<string, string> = {
  itemNumber: 'Échantillon',
  copyNumber: 'Exemplaire conservé',
  laboratoryId: 'Laboratoire',
  reason: 'Motif',
};

/**
 * A coordinator asks for a counter-analysis: a kept copy (2 or 3) of an item is sent to a
 * second laboratory; the new analysis opens once created.
 */
export function CounterAnalysisSection({ analysis }: { analysis: Analysis }) {
  const [open, setOpen] = useState(false);
  const [itemNumber, setItemNumber] = useState(String(analysis.itemNumber));
  const [copyNumber, setCopyNumber] = useState<'' | '2' | '3'>('');
  const [laboratoryId, setLaboratoryId] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [apiMessage, setApiMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [focus, setFocus] = useState<'title' | 'summary' | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const laboratories = useLaboratories();
  const sample = useQuery({ ...serverSampleQuery(analysis.sample.id), enabled: open });
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  useEffect(() => {
    if (focus === 'title') document.getElementById('counter-analysis-form-title')?.focus();
    if (focus === 'summary') summaryRef.current?.focus();
    if (focus) setFocus(null);
  }, [focus]);

  const items = sample.data?.items.map((item) => item.itemNumber) ?? [analysis.itemNumber];

  const clear = (path: string) => {
    if (!(path in errors)) return;
    const { [path]: _, ...rest } = errors;
    setErrors(rest);
  };

  const request = async () => {
    const parsed = CounterAnalysisInput.safeParse({
      itemNumber: Number(itemNumber),
      copyNumber: copyNumber === '' ? 0 : Number(copyNumber),
      laboratoryId,
      reason,
    });
    if (!parsed.success) {
      const found = errorsOfZod(parsed.error);
      if (laboratoryId === '')
        found.laboratoryId = 'Choisissez le laboratoire de la contre-analyse.';
      setErrors(found);
      setApiMessage(undefined);
      setFocus('summary');
      return;
    }
    setBusy(true);
    try {
      const created = await api.requestCounterAnalysis({
        params: { sampleId: analysis.sample.id },
        body: parsed.data,
      });
      await queryClient.invalidateQueries({ queryKey: analysesKey });
      navigate(`/analyses/${created.id}`);
    } catch (error) {
      setErrors(errorsOfApi(error));
      setApiMessage(errorMessage(error, 'La demande de contre-analyse a échoué.'));
      setFocus('summary');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="counter-analysis-title" className="fr-mb-6w">
      <h2 className="fr-h4" id="counter-analysis-title">
        Contre-analyse
      </h2>
      {!open ? (
        <>
          <p className="fr-text--sm">
            Un exemplaire conservé (2 ou 3) peut être adressé à un second laboratoire.
          </p>
          <Button
            type="button"
            priority="secondary"
            iconId="fr-icon-microscope-line"
            onClick={() => {
              setOpen(true);
              setFocus('title');
            }}
          >
            Demander une contre-analyse
          </Button>
        </>
      ) : (
        <form
          noValidate
          aria-labelledby="counter-analysis-form-title"
          onSubmit={(event) => {
            event.preventDefault();
            void request();
          }}
          data-testid="counter-analysis-form"
        >
          <h3 className="fr-h5" id="counter-analysis-form-title" tabIndex={-1}>
            Demander une contre-analyse
          </h3>
          <div ref={summaryRef} tabIndex={-1} className="maestro-focus-target">
            <ErrorSummary
              errors={errors}
              message={apiMessage}
              fieldIdOf={(path) => (path in FieldLabels ? fieldId(path) : null)}
              labelOf={(path) => FieldLabels[path] ?? null}
            />
          </div>
          <Select
            label="Échantillon"
            state={errors.itemNumber ? 'error' : 'default'}
            stateRelatedMessage={errors.itemNumber}
            nativeSelectProps={{
              id: fieldId('itemNumber'),
              value: itemNumber,
              onChange: (event) => {
                setItemNumber(event.target.value);
                clear('itemNumber');
              },
            }}
          >
            {items.map((number) => (
              <option key={number} value={String(number)}>
                {`Échantillon ${itemLetter(number)}`}
              </option>
            ))}
          </Select>
          <RadioButtons
            id={fieldId('copyNumber')}
            legend="Exemplaire conservé à analyser"
            orientation="horizontal"
            name="counterCopyNumber"
            options={(['2', '3'] as const).map((value) => ({
              label: `Exemplaire ${value}`,
              nativeInputProps: {
                value,
                checked: copyNumber === value,
                onChange: () => {
                  setCopyNumber(value);
                  clear('copyNumber');
                },
              },
            }))}
            {...(errors.copyNumber
              ? { state: 'error' as const, stateRelatedMessage: errors.copyNumber }
              : { state: 'default' as const })}
          />
          <Select
            label="Laboratoire"
            hint="Un autre laboratoire que celui de la première analyse, en principe."
            state={errors.laboratoryId ? 'error' : 'default'}
            stateRelatedMessage={errors.laboratoryId}
            nativeSelectProps={{
              id: fieldId('laboratoryId'),
              value: laboratoryId,
              onChange: (event) => {
                setLaboratoryId(event.target.value);
                clear('laboratoryId');
              },
            }}
          >
            <option value="" disabled>
              Sélectionner un laboratoire
            </option>
            {(laboratories.data ?? []).map((laboratory) => (
              <option key={laboratory.id} value={laboratory.id}>
                {`${laboratory.shortName} — ${laboratory.name}${laboratory.id === analysis.laboratoryId ? ' (première analyse)' : ''}`}
              </option>
            ))}
          </Select>
          <TextAreaField
            id={fieldId('reason')}
            label="Motif"
            required
            value={reason}
            error={errors.reason}
            onChange={(text) => {
              setReason(text);
              clear('reason');
            }}
          />
          <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <Button type="submit" iconId="fr-icon-send-plane-line" disabled={busy}>
                Demander la contre-analyse
              </Button>
            </li>
            <li>
              <Button
                type="button"
                priority="secondary"
                disabled={busy}
                onClick={() => setOpen(false)}
              >
                Annuler
              </Button>
            </li>
          </ul>
        </form>
      )}
    </section>
  );
}
