// What the domain needs from the device side to move a door (implemented by
// src/devices/gateway.ts): send a command, hear the controller's answer.
import type { DoorState } from '../store/database.ts';

export interface DoorCommand {
  /** Also the toggle_id; a controller acts on a given id at most once. */
  id: string;
  deviceId: string;
  entityNumber: number;
  action: 'open' | 'close';
  /** Unix milliseconds; the controller never executes the command after this. */
  expiresAt: number;
}

export type CommandAnswer =
  /** `state`: with "ok", the state the door reached or is travelling to (protocol 1.1). */
  | { answered: true; result: 'ok' | 'expired' | 'jammed' | 'unsupported' | 'error'; state?: DoorState }
  | { answered: false; /** Not sent at all: the platform has no connection to the controllers' broker right now. */ unreachable?: true };

export interface DoorCommands {
  /** Resolves with the controller's answer, or `answered: false` once the command has expired. */
  execute(command: DoorCommand): Promise<CommandAnswer>;
}
