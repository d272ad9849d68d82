/**
 * BackupsState is the Backups section of the settings page: the database's backups (`backups.list`),
 * "Back up now" (`backups.create`) and, in a browser, downloading one over the authenticated
 * `GET /api/backups/<file>` (the Electron window has no download: it names the folder instead).
 */
import type { BackupInfo, BackupList } from '../../../../electron/shared/api.ts';
import { call, errorMessage, hasBridge } from '../api-client.ts';
import { sessionToken } from '../session.ts';

/** BackupsState holds the list, the last outcome and what is in progress. */
export class BackupsState {
  list = $state<BackupList | null>(null);
  error = $state<string | null>(null);
  /** done says what the last "Back up now" or download did. */
  done = $state<string | null>(null);
  backingUp = $state(false);
  downloading = $state<string | null>(null);

  /** canDownload is true in a browser (HTTP transport); the Electron window shows the folder instead. */
  get canDownload(): boolean {
    return !hasBridge();
  }

  /** load fetches the list of backups. */
  async load(): Promise<void> {
    try {
      this.list = await call('backups.list', {});
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** backUpNow takes a backup and lists it. */
  backUpNow = async (): Promise<void> => {
    this.backingUp = true;
    this.done = null;
    try {
      const b = await call('backups.create', {});
      this.done = `Backed up: ${b.file}`;
      this.error = null;
      await this.load();
    } catch (err) {
      this.error = `The backup failed: ${errorMessage(err)}`;
    } finally {
      this.backingUp = false;
    }
  };

  /** download fetches a backup with the tab's token and saves it through a Blob URL (the token never goes in a URL). */
  download = async (b: BackupInfo): Promise<void> => {
    this.downloading = b.file;
    this.done = null;
    try {
      const res = await fetch(`./api/backups/${encodeURIComponent(b.file)}`, { headers: { authorization: `Bearer ${sessionToken() ?? ''}` } });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
      }
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = b.file;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      this.done = `Downloaded ${b.file}`;
      this.error = null;
    } catch (err) {
      this.error = `Cannot download ${b.file}: ${errorMessage(err)}`;
    } finally {
      this.downloading = null;
    }
  };
}

/** backups is the settings page's backups section. */
export const backups = new BackupsState();
