/**
 * Where a person finds the API token. Standby's output usually ends up in a log (systemd's journal,
 * a service manager's file, CI output) that others may read, so the token is printed only when
 * stdout is an interactive terminal. Otherwise it is written to a file only its owner can read
 * (`--token-file PATH`, or `api-token` in the data directory), and the log says where that file is.
 * A token set with STANDBY_TOKEN is the person's own: it is never written anywhere unless they ask
 * with --token-file.
 */
import { join } from 'node:path';
import { writePrivateFile } from '../private-file.ts';

/** API_TOKEN_FILE is where a token is written, in the data directory, when nobody is at a terminal to read it. */
export const API_TOKEN_FILE = 'api-token';

/** TokenNotice describes the token of a start: where it came from and where to put it. */
export interface TokenNotice {
  token: string;
  /** fromEnv is true when STANDBY_TOKEN set the token. */
  fromEnv: boolean;
  /** interactive is true when stdout is a terminal (process.stdout.isTTY). */
  interactive: boolean;
  /** tokenFile is --token-file, if given. */
  tokenFile?: string | undefined;
  dataDir: string;
  /** url is where the server listens. */
  url: string;
}

/** tokenFileFor answers the file a start writes its token to, if any. */
export function tokenFileFor(n: Pick<TokenNotice, 'fromEnv' | 'interactive' | 'tokenFile' | 'dataDir'>): string | undefined {
  if (n.tokenFile) return n.tokenFile;
  if (!n.fromEnv && !n.interactive) return join(n.dataDir, API_TOKEN_FILE);
  return undefined;
}

/**
 * announceToken writes the token file (when there is one; it throws PrivateFileError when an
 * existing file there may be read by others) and returns the lines to print. The token itself is in
 * those lines only when the output is an interactive terminal.
 */
export function announceToken(n: TokenNotice): string[] {
  const file = tokenFileFor(n);
  if (file) writePrivateFile(file, `${n.token}\n`);
  if (n.interactive) {
    return [`Open ${n.url}/#token=${n.token} in a browser. API calls need the header "Authorization: Bearer ${n.token}".`, ...(file ? [`The API token is also in ${file} (only you can read it).`] : [])];
  }
  if (file) {
    return [`API token: in ${file} (only you can read it; it is not printed because this output is not a terminal). Open ${n.url}/#token=<that token> in a browser; API calls need the header "Authorization: Bearer <that token>".`];
  }
  return [`API token: the one in STANDBY_TOKEN (not printed because this output is not a terminal). Open ${n.url}/#token=<that token> in a browser; API calls need the header "Authorization: Bearer <that token>".`];
}
