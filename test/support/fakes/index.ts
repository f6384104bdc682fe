export { MemoryAudit } from './memory-audit.ts';
export { MemoryGates } from './memory-gates.ts';
export { MemorySiteLock } from './memory-site-lock.ts';
