/**
 * The rule for a key or token a person gives Standby in the environment (the API token
 * `STANDBY_TOKEN`, the ack links' signing key `STANDBY_SECRET_STANDBY_ACKSIGNINGKEY`): at least 32
 * random bytes, written as hex or base64. Standby cannot see randomness, so it measures what it can:
 * the length of the decoded value, and that the bytes are not a short pattern repeated (32 random
 * bytes have about 30 distinct values; fewer than 16 is, in practice, never chance).
 *
 * Accepted spellings: hex (an even number of 0-9 a-f, either case; 64 characters for 32 bytes), or
 * base64 / base64url (A-Z a-z 0-9 and + / or - _, optional `=` padding; 43 or 44 characters for 32
 * bytes). A value made only of hex digits is counted as hex. Anything else (spaces, other punctuation,
 * a passphrase) is refused: its bytes are not a measure of its randomness.
 */

/** MIN_KEY_BYTES is the least a key or token from the environment must decode to: 256 bits, the size of an HMAC-SHA256 key (RFC 2104 section 3 recommends at least the hash's output length). */
export const MIN_KEY_BYTES = 32;
/** MIN_DISTINCT_BYTES is the fewest distinct byte values a key may have; fewer means a repeated pattern, not random bytes. */
const MIN_DISTINCT_BYTES = 16;

/** KEY_RULE says the rule in a person's words, with a way to make a key that follows it. */
export const KEY_RULE = `must be at least ${MIN_KEY_BYTES} random bytes, written as hex (64 characters) or base64 (44 characters), such as the output of \`openssl rand -base64 ${MIN_KEY_BYTES}\``;

/** decodeKey reads a key's bytes from hex or base64/base64url, or answers undefined for any other spelling. */
export function decodeKey(value: string): { bytes: Buffer; encoding: 'hex' | 'base64' } | undefined {
  if (/^(?:[0-9a-fA-F]{2})+$/.test(value)) return { bytes: Buffer.from(value, 'hex'), encoding: 'hex' };
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return { bytes: Buffer.from(value, 'base64'), encoding: 'base64' };
  return undefined;
}

/** keyStrengthProblem answers why a key or token breaks the rule (to follow "<NAME> "), or undefined when it follows it. */
export function keyStrengthProblem(value: string): string | undefined {
  const decoded = decodeKey(value);
  if (!decoded) return `${KEY_RULE}; this one is not hex or base64 (it has spaces or other characters)`;
  const { bytes, encoding } = decoded;
  if (bytes.length < MIN_KEY_BYTES) return `${KEY_RULE}; this one is ${value.length} character${value.length === 1 ? '' : 's'} of ${encoding}, which is ${bytes.length} byte${bytes.length === 1 ? '' : 's'}`;
  if (new Set(bytes).size < MIN_DISTINCT_BYTES) return `${KEY_RULE}; this one repeats a short pattern, so it is not random`;
  return undefined;
}

/** checkEnvKey throws an Error naming the variable and the rule when its value breaks the rule. */
export function checkEnvKey(name: string, value: string): void {
  const problem = keyStrengthProblem(value);
  if (problem) throw new Error(`${name} ${problem}`);
}
