/**
 * SettingsState is the settings page: exporting the configuration (YAML or JSON, shown and
 * downloadable) and importing one (pasted or from a file), which replaces everything: the file is
 * previewed first (what each section gains, changes and loses, and which destinations change), and
 * nothing is imported until the person confirms that preview.
 */
import type { ConfigPreview, ImportSummary } from '../../../../electron/shared/api.ts';
import { call, errorMessage } from '../api-client.ts';
import { FormState } from '../form.svelte.ts';
import { importDependents } from '../dependents.ts';
import { config } from './config.svelte.ts';
import { confirmation } from './confirm.svelte.ts';

/** ConfigFormat is a configuration file's format. */
export type ConfigFormat = 'yaml' | 'json';

/** PendingImport is a previewed file: exactly the text confirming imports, and what importing it changes. */
export interface PendingImport {
  text: string;
  format: ConfigFormat;
  preview: ConfigPreview;
}

/** guessFormat reads text that starts with `{` or `[` as JSON, anything else as YAML. */
function guessFormat(text: string): ConfigFormat {
  return /^\s*[[{]/.test(text) ? 'json' : 'yaml';
}

/** SettingsState holds the export text and the import form. */
export class SettingsState {
  exportFormat = $state<ConfigFormat>('yaml');
  exportText = $state('');
  exportError = $state<string | null>(null);
  exporting = $state(false);
  importForm = new FormState<{ text: string }>({ text: '' }, ['text'], 'Nothing was imported; the configuration has these problems:');
  importSummary = $state<ImportSummary | null>(null);
  /** pending is the previewed file waiting for "Import and replace" or "Cancel". */
  pending = $state<PendingImport | null>(null);

  /** pendingStale is true when the text was edited after its preview: confirming would not import what the preview shows. */
  get pendingStale(): boolean {
    return this.pending !== null && this.pending.text !== this.importForm.draft.text;
  }

  /** loadExport fetches the configuration in the chosen format. */
  async loadExport(): Promise<void> {
    this.exporting = true;
    try {
      const r = await call('config.export', { format: this.exportFormat });
      this.exportText = r.text;
      this.exportError = null;
    } catch (err) {
      this.exportError = errorMessage(err);
    } finally {
      this.exporting = false;
    }
  }

  /** setExportFormat switches between YAML and JSON. */
  setExportFormat(format: ConfigFormat): void {
    this.exportFormat = format;
    void this.loadExport();
  }

  /** download saves the export as a file through a Blob URL. */
  download(): void {
    const type = this.exportFormat === 'yaml' ? 'application/yaml' : 'application/json';
    const url = URL.createObjectURL(new Blob([this.exportText], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `standby-config.${this.exportFormat === 'yaml' ? 'yaml' : 'json'}`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  /** readFile puts a chosen file's text into the import box. */
  async readFile(file: File): Promise<void> {
    try {
      this.importForm.draft.text = await file.text();
      this.importForm.clear();
      this.importSummary = null;
      this.pending = null;
    } catch (err) {
      this.importForm.message = `Cannot read ${file.name}: ${errorMessage(err)}`;
    }
  }

  /** preview asks the engine what importing the text would change; it changes nothing. The format is guessed from the first character. */
  preview = async (): Promise<void> => {
    this.importSummary = null;
    this.pending = null;
    const text = this.importForm.draft.text;
    const format = guessFormat(text);
    const preview = await this.importForm.submit(() => call('config.preview', { text, format }));
    if (preview) this.pending = { text, format, preview };
  };

  /** askImport opens the confirm dialog with what the previewed import removes and changes; the import runs on its button. */
  askImport = (): void => {
    const pending = this.pending;
    if (!pending || this.pendingStale) return;
    confirmation.ask({ title: 'Replace the configuration with this file?', confirmLabel: 'Replace the configuration', ...importDependents(pending.preview), run: this.confirmImport });
  };

  /** confirmImport replaces the configuration with the previewed text (not any later edit). */
  confirmImport = async (): Promise<void> => {
    const pending = this.pending;
    if (!pending || this.pendingStale) return;
    const summary = await this.importForm.submit(() => call('config.import', { text: pending.text, format: pending.format }));
    if (summary) {
      this.pending = null;
      this.importSummary = summary;
      await Promise.all([config.load('all'), this.loadExport()]);
    }
  };

  /** cancelImport drops the preview; nothing was imported. */
  cancelImport = (): void => {
    this.pending = null;
    this.importForm.clear();
  };
}

/** settings is the settings page's state. */
export const settings = new SettingsState();
