/**
 * The server's Content Security Policy allows no inline `<style>` element. react-dsfr writes
 * one (`:root { color-scheme: … }`) unless a nonce check is on and no nonce is found: we turn
 * the check on (a nonce is passed to `startReactDsfr`) and make sure no nonce is ever found.
 * The same rule lives in `styles/app.css`, keyed on the `data-fr-theme` attribute.
 */
export function preventInlineColorSchemeStyle(): void {
  Object.defineProperty(window, 'ssrNonce', {
    configurable: true,
    get: () => undefined,
    set: () => {},
  });
}
