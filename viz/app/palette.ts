// Colours: the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies.
// Meaning never rests on colour alone: roles carry a term label, drops a cross, copies a dash.

export const okabeIto = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

export const roleColour: Readonly<Record<string, string>> = {
  follower: '#cfe8f7', // sky blue, lightened: the quiet default
  preCandidate: okabeIto.yellow,
  candidate: okabeIto.orange,
  leader: okabeIto.blue,
  down: '#bbbbbb',
};

export function colourOfRole(role: string): string {
  return roleColour[role] ?? '#dddddd';
}

/** Text that stays legible on a role band. */
export function textOnRole(role: string): string {
  return role === 'leader' ? '#ffffff' : '#222222';
}

export const outcomeColour: Readonly<Record<string, string>> = {
  ok: okabeIto.bluishGreen,
  fail: okabeIto.vermillion,
  info: okabeIto.reddishPurple,
  pending: '#999999',
};

export type MessageClass = 'heartbeat' | 'append' | 'vote' | 'snapshot' | 'other';

export function messageClass(type: string): MessageClass {
  if (type.startsWith('heartbeat')) return 'heartbeat';
  if (type === 'app' || type === 'appResp') return 'append';
  if (type.includes('ote') || type === 'timeoutNow') return 'vote'; // vote, voteResp, preVote, preVoteResp
  if (type.startsWith('snap')) return 'snapshot';
  return 'other';
}

export const messageColour: Readonly<Record<MessageClass, string>> = {
  heartbeat: '#9a9a9a',
  append: okabeIto.blue,
  vote: okabeIto.orange,
  snapshot: okabeIto.reddishPurple,
  other: '#333333',
};

export const dropColour = okabeIto.vermillion;
export const violationColour = okabeIto.vermillion;
export const cursorColour = '#111111';

/** Partition sides are told apart by tint; a node on no side is cut off from everyone. */
export const partitionSideTint = ['rgba(0, 114, 178, 0.10)', 'rgba(230, 159, 0, 0.16)', 'rgba(204, 121, 167, 0.16)', 'rgba(0, 158, 115, 0.14)'];
export const partitionAloneTint = 'rgba(0, 0, 0, 0.12)';

export const faultColour: Readonly<Record<string, string>> = {
  partition: okabeIto.vermillion,
  pause: okabeIto.yellow,
  crash: okabeIto.black,
  oneWay: okabeIto.reddishPurple,
  clog: okabeIto.orange,
};

export function colourOfFault(fault: string): string {
  return faultColour[fault] ?? '#666666';
}

const termCycle = [okabeIto.blue, okabeIto.orange, okabeIto.bluishGreen, okabeIto.reddishPurple, okabeIto.skyBlue, okabeIto.vermillion, okabeIto.yellow, '#555555'];

/** Log entries are coloured by term; neighbouring terms always differ. */
export function colourOfTerm(term: number): string {
  return termCycle[((term % termCycle.length) + termCycle.length) % termCycle.length];
}
