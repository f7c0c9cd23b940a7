// A plate reader is a controller entity that sends `plate` events
// (phase2.md B.3); its settings are a row of lpr_readers, or these.
import type { ReaderDirection } from '../store/database.ts';

export interface ReaderSettings {
  /** null: the door at the reader's own entity. */
  doorId: string | null;
  direction: ReaderDirection;
  minConfidence: number;
  repeatWindowS: number;
  enabled: boolean;
}

export const readerDefaults: ReaderSettings = { doorId: null, direction: 'entry', minConfidence: 0.8, repeatWindowS: 30, enabled: true };
