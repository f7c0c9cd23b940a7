// Spec 2, "Ids": UUIDs, accepted in either form and case; written as 32 hex
// for devices and doors, dashed for people.
import { randomBytes } from 'node:crypto';

const COMPACT = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The stored (dashed, lowercase) form, or undefined when the input is no id. */
export function parseId(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const value = input.trim();
  if (DASHED.test(value)) return value.toLowerCase();
  if (!COMPACT.test(value)) return undefined;
  const hex = value.toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function compactId(id: string): string {
  return id.replace(/-/g, '').toLowerCase();
}

let lastOrderedMs = 0;

/**
 * A UUID (version 7) that sorts in the order this process made it (its
 * milliseconds strictly increase, running ahead of the clock during a burst):
 * rows stamped with the same second (vehicles, counted by a vehicle cap in
 * adding order) still sort as they were added.
 */
export function timeOrderedUuid(now: number): string {
  lastOrderedMs = Math.max(now, lastOrderedMs + 1);
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastOrderedMs, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
