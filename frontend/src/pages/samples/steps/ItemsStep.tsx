import { Button } from '@codegouvfr/react-dsfr/Button';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { newSampleItem } from '@maestro/shared/domain';
import { QuantityUnit, QuantityUnitLabels, QuantityUnitList } from '@maestro/shared/referential';
import { CopyRecipientLabels, MAX_ITEMS, type SampleCopy } from '@maestro/shared/schema';
import { useRef } from 'react';
import { useLaboratories } from '../../../app/laboratories';
import { FormattedField, fieldState, type Parsed } from '../SampleFormFields';
import {
  canAddItem,
  copyName,
  formatDecimal,
  isoToLocalInput,
  localInputToIso,
  parseDecimal,
  renumberItems,
  SampleFieldLabels,
  sampleFieldId,
  setKeeper,
  updateCopy,
} from '../sampleForm';
import type { StepProps } from './types';

const parseQuantity = (text: string): Parsed<number | null> => {
  const value = parseDecimal(text);
  if (value === undefined)
    return { ok: false, message: 'La quantité doit être un nombre (ex. 1,5).' };
  if (value !== null && value <= 0)
    return { ok: false, message: 'La quantité doit être positive.' };
  if (value !== null && value > 1_000_000) return { ok: false, message: 'Quantité trop grande.' };
  return { ok: true, value };
};

const parseSampledAt = (text: string): Parsed<string | null> => {
  if (text.trim() === '') return { ok: true, value: null };
  const iso = localInputToIso(text);
  return iso ? { ok: true, value: iso } : { ok: false, message: 'Date et heure invalides.' };
};

const itemLetterOf = (itemNumber: number) => String.fromCharCode(64 + itemNumber);

/** The third step: when, for which laboratory, and the sealed items with their copies. */
export function ItemsStep({ content, patch, errors }: StepProps) {
  const laboratories = useLaboratories();
  const addButton = useRef<HTMLButtonElement>(null);
  const items = content.items;

  const setCopy = (itemIndex: number, copyIndex: number, change: Partial<SampleCopy>) =>
    patch({ items: updateCopy(items, itemIndex, copyIndex, change) });

  const add = () => {
    if (!canAddItem(items)) return;
    const next = [...items, newSampleItem(items.length + 1)];
    patch({ items: next });
    // The new item's first field takes the focus.
    setTimeout(
      () =>
        document
          .getElementById(sampleFieldId(`items.${next.length - 1}.copies.0.quantity`))
          ?.focus(),
      0,
    );
  };

  const remove = (index: number) => {
    patch({ items: renumberItems(items.filter((_, i) => i !== index)) });
    setTimeout(() => {
      const previous = document.getElementById(`sample-item-${index}-title`);
      (previous ?? addButton.current)?.focus();
    }, 0);
  };

  const labs = laboratories.data ?? [];
  const labMissing =
    content.laboratoryId !== null && !labs.some((lab) => lab.id === content.laboratoryId);

  return (
    <>
      <h3 className="fr-h5">Date et laboratoire</h3>
      <FormattedField
        path="sampledAt"
        label={SampleFieldLabels.sampledAt}
        hint="Heure locale. La date ne peut pas être dans le futur."
        value={content.sampledAt}
        format={isoToLocalInput}
        parse={parseSampledAt}
        onChange={(sampledAt) => patch({ sampledAt })}
        error={errors.sampledAt}
        maxLength={19}
        type="datetime-local"
        className="maestro-narrow-field"
      />

      <Select
        label={`${SampleFieldLabels.laboratoryId} (exemplaire 1)`}
        hint={
          laboratories.isError
            ? 'La liste des laboratoires n’a pas pu être chargée : réessayez une fois en ligne.'
            : 'Pré-rempli avec le laboratoire de la programmation de votre région, s’il y en a un.'
        }
        {...fieldState(errors.laboratoryId)}
        nativeSelectProps={{
          id: sampleFieldId('laboratoryId'),
          name: 'laboratoryId',
          value: content.laboratoryId ?? '',
          onChange: (event) =>
            patch({ laboratoryId: event.target.value === '' ? null : event.target.value }),
        }}
      >
        <option value="">Sélectionner un laboratoire</option>
        {labs.map((lab) => (
          <option key={lab.id} value={lab.id}>
            {lab.shortName} — {lab.name}
          </option>
        ))}
        {labMissing && (
          <option value={content.laboratoryId ?? ''}>Laboratoire choisi précédemment</option>
        )}
      </Select>

      <h3 className="fr-h5" id="sample-items-title">
        Échantillons ({items.length})
      </h3>
      <p className="fr-text--sm">
        Chaque échantillon comporte trois exemplaires scellés : l’exemplaire 1 part au laboratoire,
        les exemplaires 2 et 3 sont conservés, l’un par le préleveur, l’autre par le détenteur, pour
        une contre-analyse. {MAX_ITEMS} échantillons au plus.
      </p>
      <div id={sampleFieldId('items')} tabIndex={-1} className="maestro-focus-target">
        {errors.items && (
          <div className="fr-messages-group" aria-live="polite">
            <p className="fr-message fr-message--error">{errors.items}</p>
          </div>
        )}
      </div>

      {items.map((item, itemIndex) => {
        const letter = itemLetterOf(item.itemNumber);
        return (
          <section
            // Items have no id of their own; their position is their identity (A, B…).
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            key={itemIndex}
            className="maestro-item fr-mb-3w"
            aria-labelledby={`sample-item-${itemIndex}-title`}
            data-testid={`sample-item-${itemIndex}`}
          >
            <div className="maestro-item__header">
              <h4 className="fr-h6 fr-mb-0" id={`sample-item-${itemIndex}-title`} tabIndex={-1}>
                Échantillon {letter}
              </h4>
              <Button
                priority="tertiary"
                size="small"
                iconId="fr-icon-delete-line"
                iconPosition="left"
                onClick={() => remove(itemIndex)}
              >
                Supprimer l’échantillon {letter}
              </Button>
            </div>
            {item.copies.map((copy, copyIndex) => {
              const at = `items.${itemIndex}.copies.${copyIndex}`;
              const name = copyName(item.itemNumber, copy.copyNumber);
              return (
                <fieldset
                  // biome-ignore lint/suspicious/noArrayIndexKey: copies are numbered 1 to 3
                  key={copyIndex}
                  className="fr-fieldset maestro-copy"
                  aria-labelledby={`${sampleFieldId(at)}-legend`}
                >
                  <legend className="fr-fieldset__legend" id={`${sampleFieldId(at)}-legend`}>
                    {name}
                    {copyIndex === 0 ? ` — ${CopyRecipientLabels.Laboratory}` : ''}
                  </legend>
                  <div className="fr-fieldset__element fr-fieldset__element--inline maestro-copy__quantity">
                    <FormattedField
                      path={`${at}.quantity`}
                      label={`Quantité — ${name}`}
                      value={copy.quantity}
                      format={formatDecimal}
                      parse={parseQuantity}
                      onChange={(quantity) => setCopy(itemIndex, copyIndex, { quantity })}
                      error={errors[`${at}.quantity`]}
                      maxLength={12}
                      inputMode="decimal"
                    />
                  </div>
                  <div className="fr-fieldset__element fr-fieldset__element--inline maestro-copy__unit">
                    <Select
                      label={`Unité — ${name}`}
                      {...fieldState(errors[`${at}.unit`])}
                      nativeSelectProps={{
                        id: sampleFieldId(`${at}.unit`),
                        name: `${at}.unit`,
                        value: copy.unit ?? '',
                        onChange: (event) =>
                          setCopy(itemIndex, copyIndex, {
                            unit:
                              event.target.value === ''
                                ? null
                                : QuantityUnit.parse(event.target.value),
                          }),
                      }}
                    >
                      <option value="">Unité</option>
                      {QuantityUnitList.map((unit) => (
                        <option key={unit} value={unit}>
                          {QuantityUnitLabels[unit]}
                        </option>
                      ))}
                    </Select>
                  </div>
                  <div className="fr-fieldset__element fr-fieldset__element--inline maestro-copy__seal">
                    <FormattedField
                      path={`${at}.sealNumber`}
                      label={`Numéro de scellé — ${name}`}
                      value={copy.sealNumber}
                      format={(value) => value ?? ''}
                      parse={(text) => ({ ok: true, value: text === '' ? null : text })}
                      onChange={(sealNumber) => setCopy(itemIndex, copyIndex, { sealNumber })}
                      error={errors[`${at}.sealNumber`]}
                      maxLength={60}
                    />
                  </div>
                  <div className="fr-fieldset__element">
                    <RadioButtons
                      id={sampleFieldId(`${at}.compliant200263`)}
                      name={`${at}.compliant200263`}
                      legend={`Prélèvement conforme à la directive 2002/63/CE — ${name}`}
                      orientation="horizontal"
                      small
                      {...fieldState(errors[`${at}.compliant200263`])}
                      options={[true, false].map((compliant) => ({
                        label: compliant ? 'Oui' : 'Non',
                        nativeInputProps: {
                          value: String(compliant),
                          checked: copy.compliant200263 === compliant,
                          onChange: () =>
                            setCopy(itemIndex, copyIndex, { compliant200263: compliant }),
                        },
                      }))}
                    />
                  </div>
                  <div className="fr-fieldset__element">
                    {copyIndex === 0 ? (
                      <p className="fr-text--sm fr-mb-0" id={sampleFieldId(`${at}.recipient`)}>
                        Destinataire : {CopyRecipientLabels.Laboratory}
                        {errors[`${at}.recipient`] && (
                          <span className="fr-message fr-message--error">
                            {errors[`${at}.recipient`]}
                          </span>
                        )}
                      </p>
                    ) : (
                      <RadioButtons
                        id={sampleFieldId(`${at}.recipient`)}
                        name={`${at}.recipient`}
                        legend={`Conservé par — ${name}`}
                        orientation="horizontal"
                        small
                        {...fieldState(errors[`${at}.recipient`])}
                        options={(['Sampler', 'Owner'] as const).map((recipient) => ({
                          label: CopyRecipientLabels[recipient],
                          nativeInputProps: {
                            value: recipient,
                            checked: copy.recipient === recipient,
                            onChange: () =>
                              patch({ items: setKeeper(items, itemIndex, copyIndex, recipient) }),
                          },
                        }))}
                      />
                    )}
                  </div>
                </fieldset>
              );
            })}
          </section>
        );
      })}

      <Button
        ref={addButton}
        iconId="fr-icon-add-line"
        priority="secondary"
        onClick={add}
        disabled={!canAddItem(items)}
      >
        Ajouter un échantillon
      </Button>
      {!canAddItem(items) && (
        <p className="fr-text--sm fr-mt-1w">
          Un prélèvement comporte au plus {MAX_ITEMS} échantillons.
        </p>
      )}
    </>
  );
}
