import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import {
  type Analysis,
  NotAdmissibleInput,
  type NotAdmissibleReason,
  NotAdmissibleReasonLabels,
  NotAdmissibleReasonList,
  ReceptionInput,
} from '@maestro/shared/schema';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { formatDateTime, isoToLocalInput, localInputToIso } from '../samples/sampleForm';
import { ConfirmDialog } from './ConfirmDialog';
import {
  ConflictAlert,
  ErrorSummary,
  errorMessage,
  errorsOfApi,
  errorsOfZod,
  type FieldErrors,
  isVersionConflict,
} from './formErrors';
import { formatNumber } from './labels';
import { parseDecimal, type TriState } from './resultsForm';
import { TextAreaField } from './TextAreaField';

const fieldId = (path: string) => `reception-${path}`;

const FieldLabels: Record<string, string> = {
  receivedAt: 'Date et heure de réception',
  sealsIntact: 'Scellés intacts',
  quantitySufficient: 'Quantité suffisante',
  temperatureCelsius: 'Température à l’arrivée',
  notes: 'Observations',
  reason: 'Motif',
  comment: 'Précisions',
};

const yesNo = (value: boolean) => (value ? 'oui' : 'non');

/** What was recorded on arrival: the condition of an admissible copy, or why it was refused. */
export function ReceptionFacts({ analysis }: { analysis: Analysis }) {
  if (analysis.status === 'NotAdmissible')
    return (
      <Alert
        severity="error"
        className="fr-mb-3w"
        title="Échantillon déclaré non recevable"
        description={
          <>
            <p>
              {analysis.notAdmissibleReason
                ? NotAdmissibleReasonLabels[analysis.notAdmissibleReason]
                : 'Motif non précisé'}
              {analysis.receivedAt ? ` — reçu le ${formatDateTime(analysis.receivedAt)}` : ''}
            </p>
            {analysis.notAdmissibleComment && (
              <p className="maestro-pre-line">{analysis.notAdmissibleComment}</p>
            )}
          </>
        }
      />
    );
  if (!analysis.receivedAt) return null;
  const reception = analysis.reception;
  return (
    <dl className="maestro-facts" data-testid="reception-facts">
      <dt>Reçu le</dt>
      <dd>{formatDateTime(analysis.receivedAt)}</dd>
      {reception && (
        <>
          <dt>Scellés intacts</dt>
          <dd>{yesNo(reception.sealsIntact)}</dd>
          <dt>Quantité suffisante</dt>
          <dd>{yesNo(reception.quantitySufficient)}</dd>
          <dt>Température à l’arrivée</dt>
          <dd>
            {reception.temperatureCelsius === null
              ? 'non mesurée'
              : `${formatNumber(reception.temperatureCelsius)} °C`}
          </dd>
          {reception.notes && (
            <>
              <dt>Observations</dt>
              <dd className="maestro-pre-line">{reception.notes}</dd>
            </>
          )}
        </>
      )}
    </dl>
  );
}

interface ReceptionFormProps {
  analysis: Analysis;
  onDone: (analysis: Analysis, message: string) => void;
  onReload: () => void;
}

/**
 * The laboratory records the arrival of the copy: its date and condition (then enters results),
 * or declares it not admissible with a reason (after a confirmation).
 */
export function ReceptionForm({ analysis, onDone, onReload }: ReceptionFormProps) {
  const [mode, setMode] = useState<'receive' | 'reject'>('receive');
  const [receivedAt, setReceivedAt] = useState(() => isoToLocalInput(new Date().toISOString()));
  const [sealsIntact, setSealsIntact] = useState<TriState>('');
  const [quantitySufficient, setQuantitySufficient] = useState<TriState>('');
  const [temperature, setTemperature] = useState('');
  const [notes, setNotes] = useState('');
  const [reason, setReason] = useState<NotAdmissibleReason | ''>('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [apiMessage, setApiMessage] = useState<string | undefined>();
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [focusSummary, setFocusSummary] = useState(0);
  const [focusTitle, setFocusTitle] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (focusSummary > 0) summaryRef.current?.focus();
  }, [focusSummary]);

  const show = (next: FieldErrors, message?: string) => {
    setErrors(next);
    setApiMessage(message);
    setFocusSummary((n) => n + 1);
  };
  const clear = (path: string) => {
    if (!(path in errors)) return;
    const { [path]: _, ...rest } = errors;
    setErrors(rest);
  };
  /** Shows the other form, with the focus on its title. */
  const switchTo = (next: 'receive' | 'reject') => {
    setMode(next);
    setErrors({});
    setApiMessage(undefined);
    setConflict(false);
    setFocusTitle(true);
  };
  useEffect(() => {
    if (!focusTitle) return;
    document
      .getElementById(mode === 'receive' ? 'reception-form-title' : 'rejection-form-title')
      ?.focus();
    setFocusTitle(false);
  }, [focusTitle, mode]);
  const receivedAtIso = () => localInputToIso(receivedAt);
  const receivedAtError: FieldErrors = receivedAtIso()
    ? {}
    : { receivedAt: 'Indiquez la date et l’heure de réception.' };

  const receptionBody = (): ReceptionInput | null => {
    const temperatureCelsius = parseDecimal(temperature);
    const parsed = ReceptionInput.safeParse({
      version: analysis.version,
      receivedAt: receivedAtIso() ?? '',
      sealsIntact: sealsIntact === '' ? undefined : sealsIntact === 'true',
      quantitySufficient: quantitySufficient === '' ? undefined : quantitySufficient === 'true',
      temperatureCelsius: temperatureCelsius === undefined ? Number.NaN : temperatureCelsius,
      notes,
    });
    const found = parsed.success ? {} : errorsOfZod(parsed.error);
    if (temperatureCelsius === undefined)
      found.temperatureCelsius = 'Température invalide (par exemple 4 ou -18,5).';
    const all = { ...found, ...receivedAtError };
    if (!parsed.success || Object.keys(all).length > 0) {
      show(all);
      return null;
    }
    return parsed.data;
  };

  const rejectionBody = (): NotAdmissibleInput | null => {
    const parsed = NotAdmissibleInput.safeParse({
      version: analysis.version,
      receivedAt: receivedAtIso() ?? '',
      reason: reason === '' ? undefined : reason,
      comment,
    });
    const found = parsed.success ? {} : errorsOfZod(parsed.error);
    if (reason === '') found.reason = 'Choisissez le motif de non-recevabilité.';
    const all = { ...found, ...receivedAtError };
    if (!parsed.success || Object.keys(all).length > 0) {
      show(all);
      return null;
    }
    return parsed.data;
  };

  const fail = (error: unknown) => {
    if (isVersionConflict(error)) {
      setConflict(true);
      show({});
      return;
    }
    setConflict(false);
    show(errorsOfApi(error), errorMessage(error, 'L’enregistrement a échoué.'));
  };

  const receive = async () => {
    setConflict(false);
    const body = receptionBody();
    if (!body) return;
    setBusy(true);
    try {
      const updated = await api.receiveAnalysis({ params: { analysisId: analysis.id }, body });
      onDone(updated, 'La réception est enregistrée : vous pouvez saisir les résultats.');
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const reject = async () => {
    const body = rejectionBody();
    if (!body) return;
    setBusy(true);
    try {
      const updated = await api.rejectAnalysis({ params: { analysisId: analysis.id }, body });
      onDone(
        updated,
        'L’échantillon est déclaré non recevable : le préleveur et les coordinateurs sont prévenus.',
      );
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const radioState = (path: string) =>
    errors[path]
      ? ({ state: 'error', stateRelatedMessage: errors[path] } as const)
      : ({ state: 'default' } as const);
  const yesNoOptions = (value: TriState, onChange: (value: TriState) => void, path: string) =>
    (['true', 'false'] as const).map((choice) => ({
      label: choice === 'true' ? 'Oui' : 'Non',
      nativeInputProps: {
        value: choice,
        checked: value === choice,
        onChange: () => {
          onChange(choice);
          clear(path);
        },
      },
    }));

  const dateField = (
    <Input
      label="Date et heure de réception"
      state={errors.receivedAt ? 'error' : 'default'}
      stateRelatedMessage={errors.receivedAt}
      nativeInputProps={{
        id: fieldId('receivedAt'),
        type: 'datetime-local',
        value: receivedAt,
        onChange: (event) => {
          setReceivedAt(event.target.value);
          clear('receivedAt');
        },
      }}
    />
  );

  return (
    <div data-testid="reception-form">
      <div
        ref={summaryRef}
        tabIndex={-1}
        className="maestro-focus-target"
        data-testid="reception-errors"
      >
        <ErrorSummary
          errors={errors}
          message={apiMessage}
          fieldIdOf={(path) => (path in FieldLabels ? fieldId(path) : null)}
          labelOf={(path) => FieldLabels[path] ?? null}
        />
        {conflict && (
          <ConflictAlert
            explanation="Sa réception a peut-être déjà été enregistrée : rechargez l’analyse pour voir son état actuel."
            onReload={onReload}
          />
        )}
      </div>
      {mode === 'receive' ? (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void receive();
          }}
          aria-labelledby="reception-form-title"
        >
          <h3 className="fr-h5" id="reception-form-title" tabIndex={-1}>
            Réception
          </h3>
          <p className="fr-text--sm">Sauf mention contraire, tous les champs sont obligatoires.</p>
          {dateField}
          <RadioButtons
            id={fieldId('sealsIntact')}
            legend="Les scellés sont-ils intacts ?"
            orientation="horizontal"
            name="sealsIntact"
            options={yesNoOptions(sealsIntact, setSealsIntact, 'sealsIntact')}
            {...radioState('sealsIntact')}
          />
          <RadioButtons
            id={fieldId('quantitySufficient')}
            legend="La quantité est-elle suffisante pour l’analyse ?"
            orientation="horizontal"
            name="quantitySufficient"
            options={yesNoOptions(quantitySufficient, setQuantitySufficient, 'quantitySufficient')}
            {...radioState('quantitySufficient')}
          />
          {(sealsIntact === 'false' || quantitySufficient === 'false') && (
            <p className="fr-text--sm" role="status">
              Un scellé rompu ou une quantité insuffisante peuvent rendre l’échantillon non
              recevable : dans ce cas, déclarez-le non recevable ci-dessous.
            </p>
          )}
          <Input
            label="Température à l’arrivée, en °C (facultatif)"
            hintText="Pour les matrices transportées sous température dirigée, par exemple 4 ou -18,5"
            state={errors.temperatureCelsius ? 'error' : 'default'}
            stateRelatedMessage={errors.temperatureCelsius}
            nativeInputProps={{
              id: fieldId('temperatureCelsius'),
              inputMode: 'decimal',
              autoComplete: 'off',
              value: temperature,
              onChange: (event) => {
                setTemperature(event.target.value);
                clear('temperatureCelsius');
              },
            }}
          />
          <TextAreaField
            id={fieldId('notes')}
            label="Observations (facultatif)"
            value={notes}
            error={errors.notes}
            onChange={(text) => {
              setNotes(text);
              clear('notes');
            }}
          />
          <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <Button type="submit" iconId="fr-icon-check-line" disabled={busy}>
                Enregistrer la réception
              </Button>
            </li>
            <li>
              <Button
                type="button"
                priority="secondary"
                iconId="fr-icon-close-circle-line"
                disabled={busy}
                onClick={() => switchTo('reject')}
              >
                Déclarer non recevable
              </Button>
            </li>
          </ul>
        </form>
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (rejectionBody()) setConfirming(true);
          }}
          aria-labelledby="rejection-form-title"
        >
          <h3 className="fr-h5" id="rejection-form-title" tabIndex={-1}>
            Déclarer l’échantillon non recevable
          </h3>
          <p className="fr-text--sm">
            Le préleveur et les coordinateurs seront prévenus ; l’exemplaire ne sera pas analysé.
          </p>
          {dateField}
          <RadioButtons
            id={fieldId('reason')}
            legend="Motif de non-recevabilité"
            name="notAdmissibleReason"
            options={NotAdmissibleReasonList.map((value) => ({
              label: NotAdmissibleReasonLabels[value],
              nativeInputProps: {
                value,
                checked: reason === value,
                onChange: () => {
                  setReason(value);
                  clear('reason');
                },
              },
            }))}
            {...radioState('reason')}
          />
          <TextAreaField
            id={fieldId('comment')}
            label={reason === 'Other' ? 'Précisions' : 'Précisions (facultatif)'}
            hint={reason === 'Other' ? 'Obligatoires pour « Autre motif »' : undefined}
            value={comment}
            error={errors.comment}
            onChange={(text) => {
              setComment(text);
              clear('comment');
            }}
          />
          <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <Button type="submit" iconId="fr-icon-close-circle-line" disabled={busy}>
                Déclarer non recevable
              </Button>
            </li>
            <li>
              <Button
                type="button"
                priority="secondary"
                disabled={busy}
                onClick={() => switchTo('receive')}
              >
                Annuler
              </Button>
            </li>
          </ul>
          <ConfirmDialog
            open={confirming}
            title="Déclarer l’échantillon non recevable ?"
            confirmLabel="Confirmer la non-recevabilité"
            onConfirm={() => {
              setConfirming(false);
              void reject();
            }}
            onCancel={() => setConfirming(false)}
            testId="reject-dialog"
          >
            <p>
              Motif : <strong>{reason ? NotAdmissibleReasonLabels[reason] : ''}</strong>
            </p>
            <p>
              Le préleveur et les coordinateurs seront prévenus. Cette décision est définitive :
              l’exemplaire ne sera pas analysé.
            </p>
          </ConfirmDialog>
        </form>
      )}
    </div>
  );
}
