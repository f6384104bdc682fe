import type { Worker } from 'bullmq';

/** How long the worker's client may take to be handed over before Redis is taken as unreachable. */
const CLIENT_WAIT_MS = 1000;

/**
 * Closes a BullMQ worker without hanging on a lost Redis. BullMQ's graceful close waits for its connections to
 * end, and an ioredis client that is reconnecting never says it ended: closed while Redis is down (or when Redis
 * goes away during the close), it would wait forever, even after Redis is back. So the close is forced (running
 * jobs are not waited for; their locks expire and BullMQ hands them out again) when `force` is asked or Redis is
 * not reachable now, and a graceful close that loses its connection meanwhile is left behind, disconnected.
 */
export async function closeWorker(w: Worker, force: boolean): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const client = await Promise.race([
    w.client.catch(() => undefined),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), CLIENT_WAIT_MS))),
  ]);
  clearTimeout(timer);
  if (force || client?.status !== 'ready') return w.close(true);
  let onClose: () => void = () => undefined;
  const dropped = new Promise<'dropped'>((resolve) => (onClose = () => resolve('dropped')));
  client.once('close', onClose);
  try {
    // Not BullMQ's `disconnect()`: it too waits for an end that a reconnecting client never announces.
    if ((await Promise.race([w.close(), dropped])) === 'dropped') client.disconnect();
  } finally {
    client.off('close', onClose);
  }
}
