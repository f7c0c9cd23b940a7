// Controller messages, decoded, handed to the door-side port the domain
// declares (src/access/door-side-port.ts). Nothing here decides or records:
// this file only turns protocol payloads into the port's terms and keeps each
// controller's presence and state in the order they came.
import type { DoorReport, DoorSidePort } from '../access/door-side-port.ts';
import type { GatewayHandlers } from './gateway.ts';
import { perKeyInOrder } from './in-order.ts';
import type { DeviceEvent, StateReport } from './protocol.ts';

export interface PortHandlerHooks {
  onError: (error: unknown, context: { deviceId: string; channel: string }) => void;
  onNotice: (deviceId: string, what: string) => void;
}

export function portHandlers(port: DoorSidePort, hooks: PortHandlerHooks): GatewayHandlers {
  // Events (keypad, plates) stay out of the queue: a toggle they start waits for its ack.
  const inOrder = perKeyInOrder();
  return {
    status: (deviceId, online) => inOrder(deviceId, () => port.presence(deviceId, online)),
    state: (deviceId, report) => inOrder(deviceId, () => port.doorReport(deviceId, doorReportOf(report))),
    event: (deviceId, event) => handEvent(port, deviceId, event),
    error: hooks.onError,
    notice: hooks.onNotice,
  };
}

/** A state report in the port's terms; a report that names no protocol is 1.0. */
export function doorReportOf(report: StateReport): DoorReport {
  return {
    protocol: report.protocol ?? '1.0',
    softwareVersion: report.software_version,
    doors: report.doors.map((door) => ({
      entityNumber: door.entity_number,
      state: door.state,
      ...(door.changed_at !== undefined ? { changedAt: door.changed_at } : {}),
      ...(door.sensor !== undefined ? { sensor: door.sensor } : {}),
      ...(door.battery !== undefined ? { battery: door.battery } : {}),
      ...(door.command_id !== undefined ? { commandId: door.command_id } : {}),
      ...(door.auto_close !== undefined ? { autoClose: door.auto_close } : {}),
    })),
  };
}

function handEvent(port: DoorSidePort, deviceId: string, event: DeviceEvent): Promise<void> {
  const at = { entityNumber: event.entity_number, at: event.at };
  switch (event.type) {
    case 'keypad':
      return port.keypadEntry(deviceId, { ...at, pin: event.pin });
    case 'plate':
      return port.plateRead(deviceId, {
        ...at, plate: event.plate,
        ...(event.region !== undefined ? { region: event.region } : {}),
        ...(event.read_id !== undefined ? { readId: event.read_id } : {}),
        ...(event.confidence !== undefined ? { confidence: event.confidence } : {}),
        ...(event.candidates !== undefined ? { candidates: event.candidates } : {}),
      });
    case 'forced_open':
      return port.forcedOpen(deviceId, at);
    case 'auto_close':
      return port.autoClose(deviceId, at);
  }
}
