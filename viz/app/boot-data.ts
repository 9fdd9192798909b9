// What the page is given by `kvlab viz` (served) or by an exported file (inlined): where the run's
// files are, and the statecharts read from the xstate definitions on the Node side.
import type { StatechartSpec } from '../model/statechart-spec.ts';

/** A file either fetched from the server or inlined (base64, gzip-compressed when large). */
export type FileSource =
  | { readonly url: string }
  | { readonly inline: string; readonly encoding: 'base64' | 'gzip-base64' };

export interface MachineSpecs {
  readonly role: StatechartSpec | null;
  readonly lifecycle: StatechartSpec | null;
  /** Why a definition could not be read (shown under the chart). */
  readonly notes: readonly string[];
}

export interface BootData {
  readonly title: string;
  readonly trace: FileSource;
  readonly history: FileSource | null;
  readonly report: FileSource | null;
  readonly machines: MachineSpecs;
}

/** The global the page's inline boot script sets. */
export const bootGlobal = '__kvlabBoot';
