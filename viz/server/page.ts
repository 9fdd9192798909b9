// The HTML page around the bundle: styles, the boot data (where the run is) and the script. Inline
// text is escaped so that no value can close the script element early.
import type { BootData } from '../app/boot-data.ts';
import { bootGlobal } from '../app/boot-data.ts';
import type { VizBundle } from './bundle.ts';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** JSON safe inside <script>: "<" never appears literally. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface PageOptions {
  /** Inline the script (exported files) or reference it (served). */
  readonly scriptSrc?: string;
}

export function renderPage(bundle: VizBundle, boot: BootData, options: PageOptions = {}): string {
  const script = options.scriptSrc !== undefined
    ? `<script src="${escapeHtml(options.scriptSrc)}"></script>`
    : `<script>${bundle.js.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(boot.title)}</title>`,
    `<style>${bundle.css.replace(/<\/(style)/gi, '<\\/$1')}</style>`,
    '</head>',
    '<body>',
    '<div id="app"><div id="loading" style="padding:30px">Loading the run… (this page needs JavaScript)</div></div>',
    `<script>window.${bootGlobal} = ${scriptJson(boot)};</script>`,
    script,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
