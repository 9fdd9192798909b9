// The scenario file format: one TypeBox definition gives both the JSON Schema (for editors and
// outside tools: scenarios/scenario.schema.json is generated from it) and the TypeScript types.
// Every field has a default so a scenario names only what it changes. See docs/scenarios.md.
import { type Static, Type as T } from '@sinclair/typebox';
import { clockDriftPpmMax } from '../world/node-clock.ts';

/** A wall-clock step of a year either way is already absurd; beyond it sums of steps lose precision. */
const clockStepMsMax = 365 * 24 * 3600 * 1000;

const Ms = (description: string, options: { minimum?: number; maximum?: number } = {}) =>
  T.Number({ minimum: 0, ...options, description });
const Probability = (description: string) => T.Number({ minimum: 0, maximum: 1, description });
const Range = (description: string) =>
  T.Tuple([T.Number({ minimum: 0 }), T.Number({ minimum: 0 })], { description: `${description}: [min, max]` });

/** A node named directly by id, or by role at the moment the fault fires. */
export const NodeSelector = T.Union(
  [
    T.Integer({ minimum: 1 }),
    T.Literal('leader'),
    T.Literal('random'),
    T.Literal('random-follower'),
    T.Literal('rest'),
  ],
  { description: 'a node id, or leader | random | random-follower | rest (all nodes not named elsewhere in the fault)' },
);

const BaseLatency = T.Union([
  T.Object({ kind: T.Literal('constant'), ms: Ms('delay') }, { additionalProperties: false }),
  T.Object({ kind: T.Literal('uniform'), msMin: Ms('lower bound'), msMax: Ms('upper bound') }, { additionalProperties: false }),
  T.Object({ kind: T.Literal('exponential'), msMean: Ms('mean delay'), msMax: T.Optional(Ms('cap')) }, { additionalProperties: false }),
]);

/** Same shape as sim/network/latency.ts LatencyModel, so it passes through unchanged. */
export const LatencyModel = T.Union([
  ...BaseLatency.anyOf,
  T.Object(
    {
      kind: T.Literal('longTail'),
      base: BaseLatency,
      tailProbability: Probability('chance of a slow delay'),
      tailMsMin: T.Number({ exclusiveMinimum: 0, description: 'Pareto scale of the slow delay (ms, > 0)' }),
      tailAlpha: T.Number({ exclusiveMinimum: 1, description: 'Pareto shape, > 1 (a finite mean): smaller is heavier' }),
      tailMsMax: Ms('cap on the slow delay, at least tailMsMin'),
    },
    { additionalProperties: false },
  ),
]);

export const ClusterSpec = T.Object(
  {
    nodes: T.Integer({ minimum: 1, maximum: 9, default: 3, description: 'voters at start' }),
    tickMs: T.Number({ minimum: 1, maximum: 1000, default: 10 }),
    electionTicks: T.Integer({ minimum: 2, maximum: 1000, default: 10 }),
    heartbeatTicks: T.Integer({ minimum: 1, maximum: 100, default: 1 }),
    preVote: T.Boolean({ default: true }),
    checkQuorum: T.Boolean({ default: true }),
    reads: T.Union([T.Literal('readIndex'), T.Literal('lease')], { default: 'readIndex' }),
    leaseDriftTicksMax: T.Integer({ minimum: 0, default: 2, description: 'clock drift margin subtracted from the lease' }),
    snapshotEntries: T.Integer({ minimum: 2, default: 500, description: 'applied entries between snapshots' }),
    snapshotChunkBytes: T.Integer({ minimum: 64, default: 16384 }),
    maxMsgBytes: T.Integer({ minimum: 256, default: 65536 }),
    inflightMsgsMax: T.Integer({ minimum: 1, default: 64 }),
    requestTimeoutMs: T.Number({ minimum: 1, default: 2000, description: 'a node answers timeout (outcome unknown) after this' }),
    engine: T.Union([T.Literal('memory'), T.Literal('persistent')], {
      default: 'memory',
      description: 'memory: the state machine lives in memory and is rebuilt from snapshots and the WAL; persistent: it is kept on the simulated disk (like LevelDB in production) and survives restarts by itself',
    }),
    walSegmentBytesMax: T.Integer({ minimum: 4096, default: 8388608, description: 'WAL segments rotate at this size' }),
  },
  { additionalProperties: false, default: {} },
);

export const NetworkSpec = T.Object(
  {
    latency: T.Optional(LatencyModel),
    dropProbability: T.Optional(Probability('chance a frame is lost')),
    duplicateProbability: T.Optional(Probability('chance a frame is delivered twice')),
    reorderProbability: T.Optional(Probability('chance a frame is held back so later ones overtake it')),
    reorderDelayMsMax: T.Optional(T.Number({ exclusiveMinimum: 0, description: 'a reordered frame is held back up to this long (ms, > 0)' })),
    inflightBytesMax: T.Optional(T.Integer({ minimum: 1, description: 'per link; excess frames are dropped' })),
    fifo: T.Optional(T.Boolean({ description: 'true (default): a link delivers in send order, as a TCP connection does; false: each frame takes its own latency draw and may overtake earlier ones' })),
  },
  { additionalProperties: false, default: {} },
);

const Us = (description: string) => T.Number({ minimum: 0, description });

/** Same shape as sim/disk/options.ts SimDiskOptionsInput (fsync latency in microseconds). */
export const DiskSpec = T.Object(
  {
    capacityBytes: T.Optional(T.Integer({ minimum: 1, description: 'writes beyond fail with ENOSPC' })),
    sectorBytes: T.Optional(T.Integer({ minimum: 1, description: 'torn writes tear at this granularity' })),
    fsyncLatency: T.Optional(
      T.Union([
        T.Object({ kind: T.Literal('constant'), us: Us('latency') }, { additionalProperties: false }),
        T.Object({ kind: T.Literal('uniform'), usMin: Us('lower bound'), usMax: Us('upper bound') }, { additionalProperties: false }),
        T.Object(
          { kind: T.Literal('longTail'), baseUs: Us('typical latency'), tailProbability: Probability('chance of a slow fsync'), tailUsMax: Us('slowest fsync') },
          { additionalProperties: false },
        ),
      ]),
    ),
    crash: T.Optional(
      T.Object(
        {
          file: T.Optional(
            T.Object(
              { lostProbability: T.Optional(Probability('unsynced bytes vanish')), keptProbability: T.Optional(Probability('unsynced bytes survive')), tornProbability: T.Optional(Probability('a prefix of the unsynced sectors survives')) },
              { additionalProperties: false },
            ),
          ),
          dir: T.Optional(
            T.Object(
              { lostProbability: T.Optional(Probability('unsynced directory changes vanish')), keptProbability: T.Optional(Probability('they survive')), prefixProbability: T.Optional(Probability('the earlier ones survive')) },
              { additionalProperties: false },
            ),
          ),
          garbleProbability: T.Optional(Probability('a torn boundary sector is partly garbage')),
        },
        { additionalProperties: false, description: 'fate of unsynced data at a crash' },
      ),
    ),
    readCorruptProbability: T.Optional(Probability('chance a read returns a flipped bit')),
    writeErrorProbability: T.Optional(Probability('chance a write fails with EIO')),
    fsyncErrorProbability: T.Optional(Probability('chance an fsync fails with EIO')),
  },
  { additionalProperties: false, default: {} },
);

export const KeyDistribution = T.Union([
  T.Literal('uniform'),
  T.Object({ zipf: T.Number({ minimum: 0, maximum: 5, description: 'skew exponent s' }) }, { additionalProperties: false }),
]);

export const WorkloadSpec = T.Object(
  {
    clients: T.Integer({ minimum: 0, maximum: 1000, default: 5 }),
    ratePerClient: T.Number({ minimum: 0, maximum: 100000, default: 50, description: 'operations per virtual second per client' }),
    keys: T.Integer({ minimum: 1, maximum: 100000, default: 8 }),
    distribution: T.Optional(KeyDistribution),
    mix: T.Object(
      {
        get: T.Number({ minimum: 0 }),
        put: T.Number({ minimum: 0 }),
        delete: T.Number({ minimum: 0 }),
        cas: T.Number({ minimum: 0 }),
        putExpiring: T.Optional(T.Number({ minimum: 0, description: 'SET k v PX ttl, the ttl drawn from workload.ttlMs (absent: 0)' })),
        ttl: T.Optional(T.Number({ minimum: 0, description: 'PTTL reads (absent: 0)' })),
      },
      { additionalProperties: false, default: { get: 0.5, put: 0.3, delete: 0.05, cas: 0.15 }, description: 'relative weights; get, put, delete and cas are all required' },
    ),
    ttlMs: T.Optional(
      T.Tuple([T.Integer({ minimum: 1 }), T.Integer({ minimum: 1 })], { description: '[min, max] ms of the ttl of an expiring put, drawn uniformly (default [100, 3000])' }),
    ),
    reads: T.Union([T.Literal('linearizable'), T.Literal('lease'), T.Literal('stale')], { default: 'linearizable' }),
    valueBytes: T.Integer({ minimum: 1, maximum: 1048576, default: 8 }),
    opsMax: T.Optional(T.Integer({ minimum: 0, description: 'stop after this many operations in total' })),
    pipelineDepthMax: T.Optional(
      T.Integer({
        minimum: 1,
        maximum: 64,
        description:
          'operations a client keeps in flight on one connection (a session whose operations must take effect in the order sent); each burst sends 1..pipelineDepthMax at once. Absent or 1: one operation at a time, no sessions in the history',
      }),
    ),
  },
  { additionalProperties: false, default: {} },
);

const At = T.Number({ minimum: 0, description: 'virtual ms from the start of the run' });
const Duration = T.Optional(T.Number({ minimum: 0, description: 'ms until the fault is undone; absent = until healed' }));

export const FaultSpec = T.Union([
  T.Object({ at: At, fault: T.Literal('partition'), groups: T.Array(T.Array(NodeSelector, { minItems: 1 }), { minItems: 2 }), durationMs: Duration }, { additionalProperties: false }),
  T.Object({ at: At, fault: T.Literal('one-way'), from: T.Array(NodeSelector, { minItems: 1 }), to: T.Array(NodeSelector, { minItems: 1 }), durationMs: Duration }, { additionalProperties: false }),
  T.Object({ at: At, fault: T.Literal('bridge'), bridge: T.Optional(NodeSelector), durationMs: Duration }, { additionalProperties: false }),
  T.Object({ at: At, fault: T.Literal('heal') }, { additionalProperties: false }),
  T.Object({ at: At, fault: T.Literal('crash'), node: NodeSelector, durationMs: Duration }, { additionalProperties: false }),
  T.Object({ at: At, fault: T.Literal('restart'), node: NodeSelector }, { additionalProperties: false }),
  T.Object({ at: At, fault: T.Literal('pause'), node: NodeSelector, durationMs: Duration }, { additionalProperties: false }),
  T.Object(
    {
      at: At,
      fault: T.Literal('clock-skew'),
      node: NodeSelector,
      driftPpm: T.Optional(T.Number({ minimum: -clockDriftPpmMax, maximum: clockDriftPpmMax, description: 'clock rate error in parts per million (+: the clock runs fast)' })),
      stepMs: T.Optional(T.Number({ minimum: -clockStepMsMax, maximum: clockStepMsMax, description: 'the wall clock jumps by this (either way, at most a year)' })),
      durationMs: Duration,
    },
    { additionalProperties: false },
  ),
  T.Object({ at: At, fault: T.Literal('corrupt'), node: NodeSelector, file: T.Union([T.Literal('wal'), T.Literal('snapshot')]), where: T.Optional(T.Union([T.Literal('tail'), T.Literal('middle'), T.Literal('random')])) }, { additionalProperties: false }),
  T.Object({ at: At, fault: T.Literal('clog'), from: NodeSelector, to: NodeSelector, durationMs: Duration }, { additionalProperties: false }),
  T.Object({ at: At, fault: T.Literal('add-node'), promote: T.Optional(T.Boolean()) }, { additionalProperties: false }),
  T.Object({ at: At, fault: T.Literal('remove-node'), node: NodeSelector }, { additionalProperties: false }),
  T.Object({ at: At, fault: T.Literal('transfer-leader'), to: T.Optional(NodeSelector) }, { additionalProperties: false }),
  T.Object(
    { at: At, fault: T.Literal('kill'), node: NodeSelector, durationMs: Duration },
    { additionalProperties: false, description: 'kill -9: the process dies, the machine does not (unsynced writes survive in the page cache); restarted after durationMs' },
  ),
  T.Object(
    { at: At, fault: T.Literal('stop'), node: NodeSelector, durationMs: Duration },
    { additionalProperties: false, description: 'graceful restart: the node stops cleanly (as on SIGTERM) and starts again after durationMs' },
  ),
  T.Object(
    {
      at: At,
      fault: T.Literal('disk'),
      node: NodeSelector,
      readErrorProbability: T.Optional(Probability('chance a read fails with EIO')),
      writeErrorProbability: T.Optional(Probability('chance a write fails with EIO')),
      fsyncErrorProbability: T.Optional(Probability('chance an fsync fails with EIO')),
      full: T.Optional(T.Boolean({ description: 'the volume is full: writes that grow a file fail with ENOSPC' })),
      fsyncDelayUs: T.Optional(T.Integer({ minimum: 0, maximum: 60_000_000, description: 'added to every fsync (a slow device)' })),
      durationMs: Duration,
    },
    { additionalProperties: false, description: "faults of one node's disk for a window" },
  ),
  T.Object(
    {
      at: At,
      fault: T.Literal('link-degrade'),
      from: T.Array(NodeSelector, { minItems: 1 }),
      to: T.Array(NodeSelector, { minItems: 1 }),
      dropProbability: T.Optional(Probability('loss reached at the end of the ramp')),
      latencyMs: T.Optional(T.Number({ minimum: 0, maximum: 60_000, description: 'extra latency reached at the end of the ramp' })),
      rampMs: T.Optional(T.Number({ minimum: 0, description: 'loss and extra latency grow linearly over this long (default 0: at once)' })),
      durationMs: Duration,
    },
    { additionalProperties: false, description: 'links from `from` to `to` degrade: loss and latency ramp up, then hold until the fault ends' },
  ),
  T.Object(
    {
      at: At,
      fault: T.Literal('crash-new-leader'),
      afterMs: T.Optional(T.Number({ minimum: 0, description: 'virtual ms between taking office and the crash (default 0: before its first appends arrive)' })),
      durationMs: Duration,
    },
    { additionalProperties: false, description: 'armed at `at`: the next node to win an election crashes `afterMs` after taking office' },
  ),
]);

export const NemesisKind = T.Union([
  T.Literal('partition'),
  T.Literal('isolate-leader'),
  T.Literal('ring'),
  T.Literal('one-way'),
  T.Literal('bridge'),
  T.Literal('crash'),
  T.Literal('crash-leader'),
  T.Literal('pause'),
  T.Literal('clock-skew'),
  T.Literal('clog'),
  T.Literal('corrupt'),
  T.Literal('membership'),
  T.Literal('transfer-leader'),
  T.Literal('crash-new-leader'),
  T.Literal('kill'),
  T.Literal('graceful-restart'),
  T.Literal('disk'),
  T.Literal('link-degrade'),
]);

export const NemesisSpec = T.Object(
  {
    kinds: T.Array(NemesisKind, { minItems: 1, uniqueItems: true }),
    intervalMs: Range('time between faults, sampled per fault'),
    durationMs: Range('how long each fault lasts, sampled per fault'),
    concurrentMax: T.Integer({ minimum: 1, maximum: 10, default: 1, description: 'faults active at once' }),
    swarm: T.Boolean({ default: false, description: 'each seed enables a random non-empty subset of kinds' }),
    votersMin: T.Optional(T.Integer({ minimum: 1, maximum: 9, description: 'membership never removes a voter when it would leave fewer than this' })),
    clockSkew: T.Optional(
      T.Object(
        {
          driftPpm: T.Optional(T.Tuple([T.Integer({ minimum: 0, maximum: clockDriftPpmMax }), T.Integer({ minimum: 0, maximum: clockDriftPpmMax })], { description: 'size of the drift, either sign: [min, max] (default [1000, 200000])' })),
          stepMs: T.Optional(T.Tuple([T.Integer({ minimum: -clockStepMsMax, maximum: clockStepMsMax }), T.Integer({ minimum: -clockStepMsMax, maximum: clockStepMsMax })], { description: 'wall-clock step: [min, max] (default [-5000, 5000])' })),
        },
        { additionalProperties: false, description: 'ranges of the clock-skew kind' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const PhasesSpec = T.Object(
  {
    faultsMs: T.Number({ minimum: 0, default: 40000, description: 'workload with faults' }),
    healMs: T.Number({ minimum: 0, default: 5000, description: 'all faults undone, workload goes on' }),
    livenessMs: T.Number({ minimum: 0, default: 15000, description: 'deadline for a leader and successful operations after heal' }),
  },
  { additionalProperties: false, default: {} },
);

export const CheckName = T.Union([
  T.Literal('linearizability'),
  T.Literal('raft-invariants'),
  T.Literal('durability'),
  T.Literal('liveness'),
]);

export const ScenarioSpec = T.Object(
  {
    $schema: T.Optional(T.String()),
    name: T.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64, description: 'kebab-case, used in run directory names' }),
    description: T.Optional(T.String()),
    seed: T.Optional(T.Integer({ minimum: 0, description: 'default seed when --seed is not given' })),
    cluster: ClusterSpec,
    network: NetworkSpec,
    disk: DiskSpec,
    workload: WorkloadSpec,
    faults: T.Array(FaultSpec, { default: [], maxItems: 10000 }),
    nemesis: T.Optional(NemesisSpec),
    phases: PhasesSpec,
    checks: T.Array(CheckName, { default: ['linearizability', 'raft-invariants', 'durability', 'liveness'], uniqueItems: true }),
    expect: T.Union([T.Literal('pass'), T.Literal('violation')], { default: 'pass' }),
    bugs: T.Array(T.String(), { default: [], description: 'bug-zoo bugs switched on (simulator only)' }),
  },
  { additionalProperties: false },
);

export type Scenario = Static<typeof ScenarioSpec>;
export type Fault = Static<typeof FaultSpec>;
export type NodeSel = Static<typeof NodeSelector>;
export type Latency = Static<typeof LatencyModel>;
export type NemesisKindName = Static<typeof NemesisKind>;
export type CheckKind = Static<typeof CheckName>;
