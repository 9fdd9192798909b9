export { Simulator, worldOwner, ownerIdMax } from './simulator.ts';
export type { SimulatorOptions, EventCallback, EventId } from './simulator.ts';
export { pendingEventsMax } from './event-queue.ts';
