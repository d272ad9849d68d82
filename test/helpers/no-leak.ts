/**
 * The shared "no secret leaks" check: a text (errors, timeline entries, log lines, API answers) holds
 * no secret in any form Standby could write it (as is, URL-encoded, base64), nor any piece of it (4
 * characters in a row: a redaction that kept a token's first characters, "SLAC…", once did). Test
 * secrets are random letters and digits, so no word of a message matches by chance; runs of digits
 * alone (times, ids) are not pieces.
 */
import { expect } from 'vitest';

/** expectNoSecretIn fails naming the form or the piece of a secret found in the text. */
export function expectNoSecretIn(text: string, secrets: Iterable<string>, encoded: Iterable<string> = []): void {
  const all = [...secrets];
  for (const secret of [...all, ...encoded]) {
    for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) expect(text, 'a secret, whole').not.toContain(form);
  }
  for (const secret of all) {
    for (let i = 0; i + 4 <= secret.length; i++) {
      const piece = secret.slice(i, i + 4);
      if (!/^\d+$/.test(piece)) expect(text, `a piece of a secret: "${piece}"`).not.toContain(piece);
    }
  }
}
