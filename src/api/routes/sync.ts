// Get User Devices (spec 4): every device with a door this person may see and
// this grant covers, each with only those doors; `devices` at the top level.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { doorCapabilities, visibleDoors, type VisibleDoor } from '../../access/door-policy.ts';
import { compactId } from '../../access/ids.ts';
import type { ApiDeps } from '../index.ts';
import { apiTimestamp, unixNow } from '../format.ts';
import { bearerSecurity, Device, errorEnvelope } from '../schemas.ts';

const schema = {
  tags: ['Devices'],
  summary: 'Get user devices',
  description: 'The controllers and doors the person may see, limited to the doors this authorization covers. POST is accepted too; a body is ignored.',
  security: bearerSecurity,
  response: {
    200: Type.Object({ success: Type.Literal(true), timestamp: Type.Integer(), devices: Type.Array(Device) }),
    401: errorEnvelope,
  },
};

export async function syncRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const handler = async (request: FastifyRequest) => {
    const doors = await visibleDoors(deps.db, request.viewer!, new Date(deps.clock.now()));
    return { success: true as const, timestamp: unixNow(), devices: groupByDevice(doors) };
  };
  app.get('/sync', { schema }, handler);
  app.post('/sync', { schema: { ...schema, summary: 'Get user devices (POST form)' } }, handler);
}

function groupByDevice(doors: VisibleDoor[]) {
  const devices = new Map<string, { row: VisibleDoor['row']; doors: VisibleDoor[] }>();
  for (const door of doors) {
    const entry = devices.get(door.row.device_id) ?? { row: door.row, doors: [] };
    entry.doors.push(door);
    devices.set(door.row.device_id, entry);
  }
  return [...devices.values()].map(({ row, doors: deviceDoors }) => ({
    id: compactId(row.device_id),
    blackbox_code: row.blackbox_code,
    number_of_entities_controlled: row.number_of_entities_controlled,
    doors: deviceDoors.map(presentDoor),
    last_contact: apiTimestamp(row.last_contact),
    active: row.device_active === 1,
    registered: true,
    owner_first_name: row.owner_first_name ?? '',
    owner_last_name: row.owner_last_name ?? '',
    software_version: row.software_version,
    time_before_door_open_alert: row.time_before_door_open_alert,
    bluetooth_onboard: row.bluetooth_onboard === 1,
    bluetooth_mac_address: row.bluetooth_mac_address,
  }));
}

function presentDoor(door: VisibleDoor) {
  const { row } = door;
  const capabilities = doorCapabilities(row);
  return {
    id: compactId(row.door_id),
    entity_number: row.entity_number,
    name: door.name,
    state: row.state,
    last_toggled: apiTimestamp(row.last_toggled),
    active: row.door_active === 1,
    user_relationship: door.relationship,
    door_auto_close_enabled: row.auto_close_enabled === 1,
    door_auto_close_delay: row.auto_close_delay,
    bluetooth_sensor: row.sensor === 1,
    bluetooth_sensor_mac_address: row.sensor_mac_address,
    bluetooth_sensor_battery_level: row.sensor_battery_level,
    image: '',
    light: false,
    sensor: false,
    door_type: row.door_type,
    can_open: capabilities.canOpen,
    can_close: capabilities.canClose,
    state_known: capabilities.stateKnown,
  };
}
