// Loads a run into the view model while it streams in: the trace is decoded and reduced chunk by
// chunk (yielding now and then so the page can show progress), history and report are read whole.
import { TimelineReader, type TimelineModel } from '../model/timeline-model.ts';
import type { FileSource } from './boot-data.ts';

export interface LoadProgress {
  readonly bytes: number;
  readonly events: number;
}

/** Yield to the page after this many bytes, so the progress line can repaint. */
const yieldEveryBytes = 4 << 20;

async function byteStream(source: FileSource, name: string): Promise<ReadableStream<Uint8Array>> {
  if ('url' in source) {
    const response = await fetch(source.url);
    if (!response.ok || response.body === null) throw new Error(`could not load ${name}: ${response.status} ${response.statusText} (${source.url})`);
    return response.body;
  }
  const bytes = await (await fetch(`data:application/octet-stream;base64,${source.inline}`)).blob();
  const stream = bytes.stream() as ReadableStream<Uint8Array>;
  if (source.encoding === 'base64') return stream;
  if (typeof DecompressionStream === 'undefined') throw new Error(`this browser cannot decompress the inlined ${name} (no DecompressionStream); open it in a current Chrome, Firefox or Safari`);
  return stream.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
}

export async function readText(source: FileSource | null, name: string): Promise<string | null> {
  if (source === null) return null;
  if ('url' in source) {
    const response = await fetch(source.url);
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`could not load ${name}: ${response.status} ${response.statusText}`);
    return response.text();
  }
  return new Response(await byteStream(source, name)).text();
}

export async function loadTimeline(
  trace: FileSource,
  history: FileSource | null,
  report: FileSource | null,
  onProgress: (progress: LoadProgress) => void,
): Promise<TimelineModel> {
  const reader = new TimelineReader();
  const decoder = new TextDecoder();
  const stream = (await byteStream(trace, 'trace.jsonl')).getReader();
  let bytes = 0;
  let sinceYield = 0;
  for (;;) {
    const { done, value } = await stream.read();
    if (done) break;
    bytes += value.byteLength;
    sinceYield += value.byteLength;
    reader.push(decoder.decode(value, { stream: true }));
    if (sinceYield >= yieldEveryBytes) {
      sinceYield = 0;
      onProgress({ bytes, events: reader.eventCount });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  reader.push(decoder.decode());
  const [historyText, reportText] = await Promise.all([readText(history, 'history.jsonl'), readText(report, 'report.json')]);
  return reader.finish({ historyText, reportText });
}
