import { Button } from '@codegouvfr/react-dsfr/Button';
import type { FrIconClassName, RiIconClassName } from '@codegouvfr/react-dsfr/fr';
import { type ReactNode, useEffect, useId, useRef } from 'react';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  confirmLabel: string;
  confirmIcon?: FrIconClassName | RiIconClassName;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
  testId?: string;
}

/**
 * A modal confirmation (native `<dialog>`: the focus stays inside, Échap cancels, and the
 * browser gives the focus back to the button that opened it).
 */
export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  confirmIcon,
  onConfirm,
  onCancel,
  children,
  testId,
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!open || !dialog || dialog.open) return;
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
  }, [open]);

  if (!open) return null;
  const close = (confirmed: boolean) => {
    ref.current?.close?.();
    if (confirmed) onConfirm();
    else onCancel();
  };
  return (
    <dialog
      ref={ref}
      className="maestro-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        close(false);
      }}
      data-testid={testId}
    >
      <h2 id={titleId} className="fr-h5">
        {title}
      </h2>
      {children}
      <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--right fr-btns-group--icon-left fr-mt-3w fr-mb-0">
        <li>
          <Button type="button" priority="secondary" onClick={() => close(false)}>
            Annuler
          </Button>
        </li>
        <li>
          {confirmIcon ? (
            <Button type="button" iconId={confirmIcon} onClick={() => close(true)}>
              {confirmLabel}
            </Button>
          ) : (
            <Button type="button" onClick={() => close(true)}>
              {confirmLabel}
            </Button>
          )}
        </li>
      </ul>
    </dialog>
  );
}
