// Commands of the datadriven interaction tests (test/raft/testdata/*.txt), run against a RaftNetwork.
// Each command prints what happened while it ran: delivered messages, role changes, commits, applied
// entries and read states, in order.
import { decodeConfChange } from '../../core/codec/conf-change.ts';
import type { ConfChangeSingle, Entry, Message, RaftConfig } from '../../core/raft/types.ts';
import { logIndex, nodeId } from '../../core/types.ts';
import { parseCommand } from './datadriven.ts';
import { RaftNetwork, text } from './network.ts';
import type { TraceEvent } from './network.ts';

const SHOWN_EVENTS = new Set(['raft.role', 'raft.commit', 'raft.read', 'raft.transfer', 'raft.stepDown', 'raft.truncate', 'raft.snapshotSend', 'raft.snapshotStall', 'raft.campaignSkipped']);
const decoder = new TextDecoder();

const ints = (list: string | undefined): number[] => (list ? list.split(',').filter(Boolean).map(Number) : []);

function fmtEntry(e: Entry): string {
  if (e.type === 'confChange') {
    const cc = decodeConfChange(e.data);
    const parts = cc.changes.map((c) => `${c.type[0] === 'a' ? (c.type === 'addVoter' ? 'v' : 'l') : 'r'}${c.nodeId}`);
    return `${e.index}@${e.term}:conf(${parts.join(' ') || 'leave'})`;
  }
  return e.data.length === 0 ? `${e.index}@${e.term}` : `${e.index}@${e.term}:${decoder.decode(e.data)}`;
}

export function fmtMessage(m: Message): string {
  const parts = [`${m.from}->${m.to} ${m.type} t${m.term}`];
  if (m.index !== 0 || m.logTerm !== 0) parts.push(m.logTerm !== 0 ? `i${m.index}/${m.logTerm}` : `i${m.index}`);
  if (m.commit !== 0) parts.push(`c${m.commit}`);
  if (m.entries.length > 0) parts.push(`[${m.entries.map(fmtEntry).join(' ')}]`);
  if (m.reject) parts.push(`reject hint=${m.rejectHint}`);
  if (m.context && m.context.length > 0) parts.push(`ctx=${decoder.decode(m.context)}`);
  if (m.chunk) parts.push(`chunk=${m.chunk.offset}+${m.chunk.data.length}/${m.chunk.totalBytes}${m.chunk.last ? ' last' : ''}`);
  return parts.join(' ');
}

function fmtEvent(e: TraceEvent): string {
  const f = e.fields;
  if (e.kind === 'raft.role') return `n${e.node} role ${f.from}->${f.to} ${f.event} t${f.term}${f.leader ? ` lead=${f.leader}` : ''}`;
  const rest = Object.entries(f)
    .filter(([k]) => k !== 'group')
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  return `n${e.node} ${e.kind.slice(5)} ${rest.join(' ')}`;
}

function change(word: string): ConfChangeSingle {
  const type = word[0] === 'v' ? 'addVoter' : word[0] === 'l' ? 'addLearner' : 'removeNode';
  return { type, nodeId: nodeId(Number(word.slice(1))) };
}

export class Interaction {
  private net: RaftNetwork | undefined;
  private out: string[] = [];

  private get n(): RaftNetwork {
    if (!this.net) throw new Error('no cluster yet: start with add-nodes');
    return this.net;
  }

  run(command: string): string {
    this.out = [];
    const { name, args, kv } = parseCommand(command);
    const id = Number(args[0]);
    const result = this.dispatch(name, id, args, kv);
    if (result !== undefined) this.out.push(result);
    return this.out.join('\n');
  }

  private dispatch(name: string, id: number, args: string[], kv: Map<string, string>): string | undefined {
    switch (name) {
      case 'add-nodes':
        return this.addNodes(Number(args[0]), args.slice(1), kv);
      case 'campaign':
        this.n.node(id).raw.campaign();
        return undefined;
      case 'propose':
        return this.proposal(this.n.node(id).raw.propose(text(args[1])));
      case 'propose-conf-change': {
        const transition = kv.get('transition') as 'auto' | 'implicit' | 'explicit' | undefined;
        return this.proposal(this.n.node(id).raw.proposeConfChange({ changes: args.slice(1).map(change), transition }));
      }
      case 'read-index':
        return this.proposal(this.n.node(id).raw.readIndex(text(args[1])));
      case 'transfer-leader':
        this.n.node(id).raw.transferLeader(nodeId(Number(args[1])));
        return undefined;
      case 'tick':
        this.n.tick(id, Number(args[1] ?? 1));
        return undefined;
      case 'stabilize':
        this.n.stabilize();
        return undefined;
      default:
        return this.dispatchWorld(name, id, args);
    }
  }

  private dispatchWorld(name: string, id: number, args: string[]): string | undefined {
    switch (name) {
      case 'isolate':
        this.n.isolate(id);
        return 'ok';
      case 'partition':
        this.n.partition(...args.map(ints));
        return 'ok';
      case 'heal':
        this.n.heal();
        return 'ok';
      case 'crash':
        this.n.crash(id);
        return 'ok';
      case 'restart':
        this.n.restart(id);
        return 'ok';
      case 'compact': {
        const node = this.n.node(id);
        node.storage.createSnapshot(logIndex(node.lastApplied), node.status().confState, text(`state@${node.lastApplied}`));
        node.storage.compact(logIndex(node.lastApplied));
        return `n${id} snapshot and compact at ${node.lastApplied}`;
      }
      case 'status':
        return this.status(id);
      case 'log':
        return `n${id} log: ${this.n.node(id).log().map(fmtEntry).join(' ') || '(empty)'}`;
      default:
        throw new Error(`unknown command ${name}`);
    }
  }

  private addNodes(count: number, flags: string[], kv: Map<string, string>): string {
    const ids = Array.from({ length: count }, (_, i) => i + 1);
    const config: Partial<RaftConfig> = {
      preVote: flags.includes('preVote'),
      checkQuorum: flags.includes('checkQuorum') || flags.includes('lease'),
      readOnlyOption: flags.includes('lease') ? 'leaseBased' : 'safe',
      ...(kv.has('maxMsgBytes') ? { maxMsgBytes: Number(kv.get('maxMsgBytes')) } : {}),
      ...(kv.has('inflightMsgsMax') ? { inflightMsgsMax: Number(kv.get('inflightMsgsMax')) } : {}),
      ...(kv.has('snapshotChunkBytes') ? { snapshotChunkBytes: Number(kv.get('snapshotChunkBytes')) } : {}),
    };
    const voters = kv.has('voters') ? ints(kv.get('voters')) : undefined;
    this.net = new RaftNetwork(ids, { voters, learners: ints(kv.get('learners')), joiners: ints(kv.get('joiners')), config, seed: kv.get('seed') ?? 1 });
    this.net.onDeliver = (m) => this.out.push(fmtMessage(m));
    this.net.onApply = (node, e) => this.out.push(`n${node} apply ${fmtEntry(e)}`);
    this.net.onEvent = (e) => {
      if (SHOWN_EVENTS.has(e.kind)) this.out.push(fmtEvent(e));
    };
    return `ok: ${count} nodes`;
  }

  private proposal(error: { code: string } | null): string | undefined {
    return error ? `error: ${JSON.stringify(error)}` : undefined;
  }

  private status(id: number): string {
    const s = this.n.node(id).status();
    const line = `n${id} ${s.role} t${s.term} vote=${s.vote} lead=${s.lead} commit=${s.commit} applied=${s.applied} log=${s.firstIndex}..${s.lastIndex}`;
    const conf = `voters=${s.confState.voters.join(',')}${s.confState.learners.length ? ` learners=${s.confState.learners.join(',')}` : ''}${s.confState.votersOutgoing.length ? ` outgoing=${s.confState.votersOutgoing.join(',')}` : ''}`;
    const progress = s.progress?.map((p) => `  ${p.id}: match=${p.match} next=${p.next} ${p.state}${p.isLearner ? ' learner' : ''}`) ?? [];
    const reads = this.n.node(id).readStates.map((r) => `  read ${decoder.decode(r.context)}@${r.index}`);
    return [`${line} ${conf}`, ...progress, ...reads].join('\n');
  }
}
