/** Waits `ms` on the system's timer: how step programs pause between polls in production. */
export const systemSleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));
