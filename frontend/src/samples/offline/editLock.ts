/**
 * One writer per sample: the tab whose form holds the Web Lock `sample-edit:<id>` edits it;
 * another tab showing the same sample is read-only until the first closes it, or until the
 * agent takes the hand there (the lock is stolen: the first tab becomes read-only).
 */
export type EditMode = 'pending' | 'editor' | 'readonly';

export interface EditLockHandle {
  /** Edit here: the other tab becomes read-only. */
  takeOver(): void;
  /** Leaves the lock (page closed). */
  release(): void;
}

interface Attempt {
  controller: AbortController;
  cancelledByUs: boolean;
}

export const editLockName = (sampleId: string) => `sample-edit:${sampleId}`;

export function holdEditLock(sampleId: string, onMode: (mode: EditMode) => void): EditLockHandle {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) {
    // No Web Locks (old browsers): every tab edits, the store's transactions keep records whole.
    onMode('editor');
    return { takeOver: () => {}, release: () => {} };
  }
  const name = editLockName(sampleId);
  let closed = false;
  let current: Attempt | null = null;
  let releaseHeld: (() => void) | null = null;

  const hold = async (lock: Lock | null): Promise<boolean> => {
    if (lock === null) return false;
    if (closed) return true;
    onMode('editor');
    await new Promise<void>((resolve) => {
      releaseHeld = resolve;
    });
    return true;
  };

  /** The attempt ended: released by us, stolen by another tab, or never granted. */
  const settle = (attempt: Attempt) => {
    if (closed || attempt.cancelledByUs || current !== attempt) return;
    releaseHeld?.();
    releaseHeld = null;
    onMode('readonly');
    wait();
  };

  const start = (options: LockOptions) => {
    const attempt: Attempt = { controller: new AbortController(), cancelledByUs: false };
    current = attempt;
    const request = options.steal ? options : { ...options, signal: attempt.controller.signal };
    locks.request(name, request, hold).then(
      // Not granted at once (another tab edits), released, or stolen: wait for our turn.
      () => settle(attempt),
      () => settle(attempt),
    );
  };

  const wait = () => start({});

  const cancelCurrent = () => {
    if (current) {
      current.cancelledByUs = true;
      current.controller.abort();
    }
  };

  start({ ifAvailable: true });
  return {
    takeOver() {
      if (closed) return;
      cancelCurrent();
      releaseHeld?.();
      releaseHeld = null;
      start({ steal: true });
    },
    release() {
      closed = true;
      cancelCurrent();
      releaseHeld?.();
      releaseHeld = null;
    },
  };
}
