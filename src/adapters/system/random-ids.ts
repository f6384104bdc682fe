import { randomBytes } from 'node:crypto';
import type { IdSource } from '../../core/ports/ids.ts';

export const randomIds: IdSource = { next: (prefix) => `${prefix}${randomBytes(8).toString('hex')}` };
