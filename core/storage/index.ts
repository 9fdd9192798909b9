export { RaftDurableLog, type OpenedLog } from './durable-log.ts';
export type { RecoveredState } from './recover.ts';
export { StorageCorruption } from './errors.ts';
export { defaultStorageOptions, resolveStorageOptions, type StorageOptions, type StorageOptionsInput } from './storage-options.ts';
export { STORAGE_BUGS, type StorageBugName, type StorageBugs, type StorageBugInfo } from './bugs.ts';
export type { SyncCallback } from './wal-writer.ts';
export { crc32c } from './crc32c.ts';
