// The benchmark meter's window reduction (bench/prod/node-meter.ts): event-loop gaps and GC pauses are
// counted only when they start inside the load window, and a meter file from before they were recorded
// reports them as unknown rather than as zero.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { meterWindow, readMeter } from '../../bench/prod/node-meter.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function meterFile(contents: object): ReturnType<typeof readMeter> {
  const dir = mkdtempSync(join(tmpdir(), 'kvlab-meter-test-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'meter-42.json'), JSON.stringify({ pid: 42, dropped: 0, ...contents }));
  return readMeter(dir, 42);
}

const window = { fromUs: 1_000_000, toUs: 2_000_000 };
const elu = [
  [900_000, 0, 0, 0, 0, 0, 0],
  [2_100_000, 300, 700, 0, 0, 0, 0],
];

describe('meterWindow pauses', () => {
  it('counts the gaps and GC pauses that start inside the window, with total, longest and those of 20 ms or more', () => {
    const meter = meterFile({
      calls: [],
      elu,
      gaps: [
        [999_999, 90_000], // before the window
        [1_000_000, 6_000],
        [1_500_000, 25_000],
        [1_999_999, 20_000],
        [2_000_000, 70_000], // at the end: outside
      ],
      gcs: [
        [500_000, 40_000, 1],
        [1_200_000, 3_000, 1],
        [1_300_000, 21_500, 4],
      ],
    });
    const m = meterWindow(meter!, window);
    expect(m.gaps).toEqual({ count: 3, totalMs: 51, maxMs: 25, over20Ms: 2 });
    expect(m.gcs).toEqual({ count: 2, totalMs: 24.5, maxMs: 21.5, over20Ms: 1 });
    expect(m.eventLoopUtilisation).toBeCloseTo(0.7);
  });

  it('reports gaps and GC pauses as unknown for a meter file without them', () => {
    const m = meterWindow(meterFile({ calls: [], elu })!, window);
    expect(m.gaps).toBeNull();
    expect(m.gcs).toBeNull();
  });
});
