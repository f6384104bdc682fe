import type { EventSink } from '../../core/ports/events.ts';
import type { GateStore } from '../../core/ports/gates.ts';
import type { OpsMetrics } from './ops-metrics.ts';

/**
 * The engine's event sink with metrics: every event is stored first, then counted. A decided or expired gate's
 * wait is measured from its `openedAt` in the gate store (the gate may have been opened by another process).
 * A metrics failure never fails the engine.
 */
export function meteredEvents(sink: EventSink, metrics: OpsMetrics, gates?: Pick<GateStore, 'get'>): EventSink {
  return {
    async emit(event) {
      await sink.emit(event);
      try {
        const gateId = event.type === 'gate.decided' || event.type === 'gate.expired' ? event.gateId : undefined;
        const openedAt = gateId === undefined ? undefined : (await gates?.get(gateId))?.openedAt;
        metrics.observe(event, openedAt);
      } catch {
        // A gate lookup that fails only loses one observation.
      }
    },
  };
}
