// What happens at the doors, as the domain hears it: the device side
// (src/devices/) decodes controller messages and hands them here; the
// decisions and records are the domain's (src/access/door-side.ts).
import type { DoorState } from '../store/database.ts';

export interface ReportedDoor {
  entityNumber: number;
  state: DoorState;
  /** Epoch ms of the last change the controller saw (already checked for sanity). */
  changedAt?: number;
  sensor?: boolean;
  battery?: number;
  /** Protocol 1.1: the command behind the change; absent for a change no command caused. */
  commandId?: string;
  /** Protocol 1.1: the change is the controller's own auto-close. */
  autoClose?: boolean;
}

export interface DoorReport {
  /** "1.0" when the controller does not say (no command ids). */
  protocol: string;
  softwareVersion: string;
  doors: ReportedDoor[];
}

/** Something that happened at one door, at a controller-given epoch ms. */
export interface AtDoor {
  entityNumber: number;
  at: number;
}

/** A reader's read (phase2.md B.3): what the controller sent, its shape already checked. */
export interface PlateRead extends AtDoor {
  plate: string;
  region?: string;
  /** The controller's own id for the read: a redelivery is recognised by it. */
  readId?: string;
  /** 0 to 1; absent: 1 (controllers that do not say). */
  confidence?: number;
  candidates?: { plate: string; confidence: number }[];
}

export interface DoorSidePort {
  presence(deviceId: string, online: boolean): Promise<void>;
  doorReport(deviceId: string, report: DoorReport): Promise<void>;
  keypadEntry(deviceId: string, entry: AtDoor & { pin: string }): Promise<void>;
  plateRead(deviceId: string, read: PlateRead): Promise<void>;
  forcedOpen(deviceId: string, event: AtDoor): Promise<void>;
  autoClose(deviceId: string, event: AtDoor): Promise<void>;
  /** The controller sent more than it may; told once per episode. */
  misbehaving(deviceId: string, reason: string): Promise<void>;
}

export interface KeypadGuesses {
  /** Counts an entry at this controller's keypad as a wrong guess; false when its guesses are used up for now. */
  take(deviceId: string): Promise<boolean>;
  /** The entry was a right PIN: it does not count. */
  giveBack(deviceId: string): Promise<void>;
}
