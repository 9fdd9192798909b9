// Where every member of the cluster can be reached: its Raft, RESP and HTTP addresses. Seeded from the
// config's initialCluster and from DATA_DIR/members.json, which keeps members added at run time (their
// addresses travel in the context of their membership change), so a restarted node still reaches a
// member its config file never named. Written atomically (temp file, fsync, rename, directory fsync).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KvlabError, nodeId, type NodeId } from '../../core/types.ts';
import { formatHostPort, parseHostPort, type HostPort } from '../config/address.ts';
import type { ProdNodeConfig } from '../config/validate.ts';
import type { MemberAddresses } from '../http/node-services.ts';

export const MEMBERS_FILE_NAME = 'members.json';
/** Members remembered at most (a Raft group is far smaller; this bounds a corrupt or hostile file). */
export const MEMBERS_REMEMBERED_MAX = 256;

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;

export class MemberDirectory {
  private readonly members = new Map<NodeId, MemberAddresses>();

  private constructor(private readonly file: string | null) {}

  /** The directory of `config` (its data directory holds members.json). */
  static open(config: ProdNodeConfig): MemberDirectory {
    const file = join(config.dataDir, MEMBERS_FILE_NAME);
    const directory = new MemberDirectory(file);
    directory.loadFile();
    for (const member of config.initialCluster) {
      directory.members.set(member.id, { raftAddr: formatHostPort(member.raft), respAddr: member.respAddr, httpAddr: member.httpAddr });
    }
    const self = directory.members.get(config.nodeId);
    directory.members.set(config.nodeId, {
      raftAddr: self?.raftAddr ?? formatHostPort(config.listen.raft),
      respAddr: self?.respAddr || formatHostPort(config.listen.resp),
      httpAddr: self?.httpAddr || formatHostPort(config.listen.http),
    });
    return directory;
  }

  /** A directory that is never written to disk (tests). */
  static inMemory(entries: ReadonlyMap<NodeId, MemberAddresses>): MemberDirectory {
    const directory = new MemberDirectory(null);
    for (const [id, addresses] of entries) directory.members.set(id, addresses);
    return directory;
  }

  get(id: NodeId): MemberAddresses | undefined {
    return this.members.get(id);
  }

  ids(): NodeId[] {
    return [...this.members.keys()].sort((a, b) => a - b);
  }

  /** Raft addresses of every member but `self`, for the transport. */
  peers(self: NodeId): Map<NodeId, HostPort> {
    const peers = new Map<NodeId, HostPort>();
    for (const [id, addresses] of this.members) if (id !== self) peers.set(id, parseHostPort(addresses.raftAddr));
    return peers;
  }

  /** Records (or moves) a member and saves the file; returns whether anything changed. */
  set(id: NodeId, addresses: MemberAddresses): boolean {
    const known = this.members.get(id);
    if (known && known.raftAddr === addresses.raftAddr && known.respAddr === addresses.respAddr && known.httpAddr === addresses.httpAddr) return false;
    if (!known && this.members.size >= MEMBERS_REMEMBERED_MAX) {
      throw new KvlabError('membersFull', `cannot remember more than ${MEMBERS_REMEMBERED_MAX} members`);
    }
    this.members.set(id, addresses);
    this.save();
    return true;
  }

  remove(id: NodeId): boolean {
    if (!this.members.delete(id)) return false;
    this.save();
    return true;
  }

  private loadFile(): void {
    if (this.file === null) return;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new KvlabError('membersUnreadable', `${this.file}: ${(error as Error).message}`);
    }
    for (const [id, addresses] of parseMembersFile(text, this.file)) this.members.set(id, addresses);
  }

  private save(): void {
    if (this.file === null) return;
    const entries = this.ids().map((id) => ({ id, ...this.members.get(id) }));
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ members: entries }, null, 2)}\n`);
    syncPath(temp);
    renameSync(temp, this.file);
    syncPath(join(this.file, '..'));
  }
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Parses members.json; a damaged file is an error naming it (the operator can delete it). */
export function parseMembersFile(text: string, file: string): Map<NodeId, MemberAddresses> {
  const fail = (why: string): never => {
    throw new KvlabError('membersUnreadable', `${file}: ${why}; delete the file to rebuild it from the config`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('not JSON');
  }
  const list = (raw as { members?: unknown })?.members;
  if (!Array.isArray(list) || list.length > MEMBERS_REMEMBERED_MAX) return fail(`expected {"members": [...]} with at most ${MEMBERS_REMEMBERED_MAX} entries`);
  const members = new Map<NodeId, MemberAddresses>();
  for (const entry of list as Array<Record<string, unknown>>) {
    const addresses = memberAddresses(entry);
    if (typeof entry?.id !== 'number' || !Number.isInteger(entry.id) || entry.id < 1 || typeof addresses === 'string') return fail(`bad entry ${JSON.stringify(entry)}`);
    members.set(nodeId(entry.id), addresses);
  }
  return members;
}

/** The addresses in `value` (a members.json entry, or a membership change context), or why not. */
export function memberAddresses(value: unknown): MemberAddresses | string {
  if (typeof value !== 'object' || value === null) return 'expected an object';
  const record = value as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const name of ['raftAddr', 'respAddr', 'httpAddr'] as const) {
    const address = record[name] ?? '';
    if (typeof address !== 'string' || (address !== '' && !HOST_PORT.test(address))) return `${name} must be "host:port"`;
    out[name] = address;
  }
  if (out.raftAddr === '') return 'raftAddr is required';
  return out as unknown as MemberAddresses;
}
