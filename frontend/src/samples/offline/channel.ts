/**
 * Tells the other tabs of this browser that local samples changed, so that they read them
 * again (BroadcastChannel 'maestro-samples'); this tab's listeners are called too.
 */
export type ChangeMessage =
  | { type: 'samples'; ids: string[] }
  /** The last sync time or another value of the `meta` store changed. */
  | { type: 'meta' };

export const CHANNEL_NAME = 'maestro-samples';

type Listener = (message: ChangeMessage) => void;
const listeners = new Set<Listener>();
let channel: BroadcastChannel | null | undefined;

function getChannel(): BroadcastChannel | null {
  if (channel === undefined) {
    channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null;
    if (channel) {
      // Node's BroadcastChannel (tests) must not keep the process alive.
      (channel as unknown as { unref?: () => void }).unref?.();
      channel.onmessage = (event: MessageEvent<ChangeMessage>) => {
        for (const listener of listeners) listener(event.data);
      };
    }
  }
  return channel;
}

/** Announces a change here and in the other tabs. */
export function announce(message: ChangeMessage): void {
  for (const listener of listeners) listener(message);
  try {
    getChannel()?.postMessage(message);
  } catch {
    // A closed channel (page being unloaded): the other tabs will read the store when shown.
  }
}

/** Listens to the changes of this tab and of the others. */
export function onChange(listener: Listener): () => void {
  getChannel();
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
