/**
 * Runs `close` (stop workers, disconnect, stop the embedded Redis) when the process gets SIGINT or SIGTERM,
 * then exits with 130 or 143. Returns a function that removes the handlers once the caller closed normally.
 */
export function closeOnSignals(close: () => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    void close()
      .catch(() => undefined)
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
