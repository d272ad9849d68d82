/**
 * SettingsState is the settings page: exporting the configuration (YAML or JSON, shown and
 * downloadable) and importing one (pasted or from a file), which replaces everything.
 */
import type { ImportSummary } from '../../../../electron/shared/api.ts';
import { call, errorMessage } from '../api-client.ts';
import { FormState } from '../form.svelte.ts';
import { config } from './config.svelte.ts';

/** ConfigFormat is a configuration file's format. */
export type ConfigFormat = 'yaml' | 'json';

/** SettingsState holds the export text and the import form. */
export class SettingsState {
  exportFormat = $state<ConfigFormat>('yaml');
  exportText = $state('');
  exportError = $state<string | null>(null);
  exporting = $state(false);
  importForm = new FormState<{ text: string }>({ text: '' }, ['text'], 'Nothing was imported; the configuration has these problems:');
  importSummary = $state<ImportSummary | null>(null);

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
    } catch (err) {
      this.importForm.message = `Cannot read ${file.name}: ${errorMessage(err)}`;
    }
  }

  /** runImport replaces the configuration with the text; the format is guessed from its first character. */
  runImport = async (): Promise<void> => {
    this.importSummary = null;
    const summary = await this.importForm.submit((d) => {
      const format: ConfigFormat = /^\s*[[{]/.test(d.text) ? 'json' : 'yaml';
      return call('config.import', { text: d.text, format });
    });
    if (summary) {
      this.importSummary = summary;
      await Promise.all([config.load('all'), this.loadExport()]);
    }
  };
}

/** settings is the settings page's state. */
export const settings = new SettingsState();
