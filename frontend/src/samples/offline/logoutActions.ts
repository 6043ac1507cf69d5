/** What the logout warning loads on demand (the header stays free of IndexedDB code). */
export { downloadUnsynced, unsyncedSamples } from './escape';
