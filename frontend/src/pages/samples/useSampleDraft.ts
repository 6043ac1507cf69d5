import { SampleContent } from '@maestro/shared/schema';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type LocalSample, localSaveErrorMessage, sampleStore } from '../../samples/offline';

/** Within this delay after the last keystroke, the record is in IndexedDB (offline.md: « within a second »). */
export const SAVE_DELAY_MS = 400;

const same = (a: SampleContent, b: SampleContent) => JSON.stringify(a) === JSON.stringify(b);

export interface SampleDraft {
  content: SampleContent;
  /** Changes some fields; saved in the browser shortly after (never blocked by completeness). */
  patch: (patch: Partial<SampleContent>) => void;
  /** Writes what waits at once (before a step change, a submission, leaving the page). */
  flush: () => Promise<void>;
  saving: boolean;
  savedAt: Date | null;
  /** Why the last local save failed (storage full…), in French. */
  saveError: string | null;
}

/**
 * The record being edited: the agent's content, written to the local store a few hundred
 * milliseconds after each change, and on leaving. A change made elsewhere (another tab, a
 * resolved conflict, the server's answer) is taken when no edit of this page waits.
 */
export function useSampleDraft(local: LocalSample): SampleDraft {
  const id = local.id;
  const [content, setContent] = useState<SampleContent>(local.content);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  /** The content waiting to be written, if any. */
  const pending = useRef<SampleContent | null>(null);
  /** The content this page last wrote or took from the store. */
  const known = useRef<SampleContent>(local.content);
  /** The content on screen, including the changes of this very event. */
  const latest = useRef<SampleContent>(local.content);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const writing = useRef<Promise<void>>(Promise.resolve());

  const flush = useCallback(async (): Promise<void> => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    const next = pending.current;
    if (!next) return writing.current;
    pending.current = null;
    // Only well-formed content goes to the store: the sync would be refused otherwise.
    const checked = SampleContent.safeParse(next);
    if (!checked.success) {
      setSaveError(
        `Cette saisie n’a pas pu être enregistrée : ${checked.error.issues[0]?.message ?? 'valeur invalide'}`,
      );
      const idle = writing.current;
      void idle.then(() => {
        if (writing.current === idle && pending.current === null) setSaving(false);
      });
      return idle;
    }
    known.current = next;
    setSaving(true);
    const write = writing.current
      .then(() => sampleStore.update(id, next))
      .then(
        () => {
          setSaveError(null);
          setSavedAt(new Date());
        },
        (error: unknown) => {
          // Kept for the next attempt, unless the agent typed again meanwhile.
          pending.current ??= next;
          setSaveError(localSaveErrorMessage(error));
        },
      )
      .finally(() => {
        // Still « saving » while a later edit waits or is being written.
        if (writing.current === write && (pending.current === null || pending.current === next))
          setSaving(false);
      });
    writing.current = write;
    return write;
  }, [id]);

  const patch = useCallback(
    (change: Partial<SampleContent>) => {
      const next = { ...latest.current, ...change };
      latest.current = next;
      pending.current = next;
      setContent(next);
      // What is on screen is not in the browser's store yet: never shown as saved meanwhile.
      setSaving(true);
      // Written SAVE_DELAY_MS after the first unsaved change, even while the agent keeps
      // typing (a timer restarted on each keystroke would wait for a pause).
      timer.current ??= setTimeout(() => void flush(), SAVE_DELAY_MS);
    },
    [flush],
  );

  // A change from elsewhere: taken when this page has nothing waiting. Only on a change: the
  // effect of the first render may run after the agent's first action, which must stay.
  const seen = useRef(local.content);
  useEffect(() => {
    if (seen.current === local.content) return;
    seen.current = local.content;
    if (pending.current !== null) return;
    if (same(local.content, known.current)) return;
    known.current = local.content;
    latest.current = local.content;
    setContent(local.content);
  }, [local.content]);

  // Leaving the page, hiding the tab or closing it: what waits is written.
  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    const onPageHide = () => void flush();
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
      void flush();
    };
  }, [flush]);

  return { content, patch, flush, saving, savedAt, saveError };
}
