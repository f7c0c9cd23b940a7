// How many messages one controller may send per second. Every state report can
// write a door change and its webhook events, so a controller flipping a door
// 20,000 times a second would flood the database and every subscriber. Beyond
// the limit, state and presence are coalesced (the latest one waits for the
// next second and is applied then, so the final state is right), events are
// dropped, and the controller is announced once per episode of misbehaving.
//
// The decision is synchronous on purpose: a controller's messages must be
// applied in the order they came, which an asynchronous limiter would not keep.
import type { GatewayHandlers } from './gateway.ts';
import type { StateReport } from './protocol.ts';

/** An episode of misbehaving ends after this long within the limit; the next excess is a new one. */
export const MISBEHAVING_EPISODE_GAP_MS = 60_000;
const WINDOW_MS = 1000;
const FORGET_ABOVE = 10_000;

export interface MessageRateOptions {
  perSecond: number;
  /** The first excess of an episode. */
  onMisbehaving(deviceId: string): void;
  clock?: () => number;
}

interface Controller {
  windowStart: number;
  count: number;
  lastExcessAt: number | undefined;
  /** What waits for the next window; set while the controller is over its limit. */
  held: { status?: boolean; state?: StateReport; timer: NodeJS.Timeout } | undefined;
}

export function limitMessageRate(handlers: GatewayHandlers, options: MessageRateOptions): GatewayHandlers & { stop(): void } {
  const clock = options.clock ?? Date.now;
  const controllers = new Map<string, Controller>();
  let stopped = false;

  /** Counts a message; true when it may go through now. */
  const admit = (deviceId: string): boolean => {
    const now = clock();
    let controller = controllers.get(deviceId);
    if (!controller) {
      if (controllers.size >= FORGET_ABOVE) forgetQuiet(now);
      controller = { windowStart: now, count: 0, lastExcessAt: undefined, held: undefined };
      controllers.set(deviceId, controller);
    }
    if (now - controller.windowStart >= WINDOW_MS) {
      controller.windowStart = now;
      controller.count = 0;
    }
    controller.count += 1;
    // While something is held, later messages queue behind it: order is kept.
    if (controller.count <= options.perSecond && !controller.held) return true;
    if (controller.lastExcessAt === undefined || now - controller.lastExcessAt > MISBEHAVING_EPISODE_GAP_MS) {
      handlers.notice(deviceId, `more than ${options.perSecond} messages a second: state and presence coalesced, events dropped`);
      options.onMisbehaving(deviceId);
    }
    controller.lastExcessAt = now;
    controller.held ??= { timer: setTimeout(() => release(deviceId), controller.windowStart + WINDOW_MS - now) };
    return false;
  };

  // Only controllers that are sending, or have misbehaved lately, need remembering.
  const forgetQuiet = (now: number) => {
    for (const [deviceId, controller] of controllers) {
      const quiet = now - controller.windowStart >= WINDOW_MS && (controller.lastExcessAt === undefined || now - controller.lastExcessAt > MISBEHAVING_EPISODE_GAP_MS);
      if (quiet && !controller.held) controllers.delete(deviceId);
    }
  };

  const release = (deviceId: string) => {
    const controller = controllers.get(deviceId);
    const held = controller?.held;
    if (!controller || !held || stopped) return;
    controller.held = undefined;
    controller.windowStart = clock();
    controller.count = 0;
    const fail = (channel: string) => (error: unknown) => handlers.error(error, { deviceId, channel });
    if (held.status !== undefined) {
      controller.count += 1;
      handlers.status(deviceId, held.status).catch(fail('status'));
    }
    if (held.state) {
      controller.count += 1;
      handlers.state(deviceId, held.state).catch(fail('state'));
    }
  };

  return {
    ...handlers,
    async status(deviceId, online) {
      if (admit(deviceId)) return handlers.status(deviceId, online);
      controllers.get(deviceId)!.held!.status = online;
    },
    async state(deviceId, report) {
      if (admit(deviceId)) return handlers.state(deviceId, report);
      controllers.get(deviceId)!.held!.state = report;
    },
    async event(deviceId, event) {
      if (admit(deviceId)) return handlers.event(deviceId, event);
    },
    stop() {
      stopped = true;
      for (const controller of controllers.values()) clearTimeout(controller.held?.timer);
    },
  };
}
