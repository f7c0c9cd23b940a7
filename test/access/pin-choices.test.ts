// The PIN-choice limit on a real database, without HTTP, with a clock passed in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../src/access/errors.ts';
import { countPinChoice, pinChoiceLimit } from '../../src/access/pin-choices.ts';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { engines } from '../helpers/build-app.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

const rateLimited = (error: unknown) => error instanceof DomainError && error.code === 'rate_limited';

for (const engine of engines()) {
  describe(`PIN choices [${engine}]`, () => {
    it('allows the window\'s choices, refuses the next until the window ends, then allows again', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const sam = sandboxPeople.sam.id;
      const start = 1_800_000_000;
      for (let i = 0; i < pinChoiceLimit.choices; i += 1) await countPinChoice(db, sam, start + i);
      await assert.rejects(countPinChoice(db, sam, start + 60), (error: unknown) => rateLimited(error) && (error as DomainError).retryAfter === pinChoiceLimit.windowSeconds - 60);
      await assert.rejects(countPinChoice(db, sam, start + pinChoiceLimit.windowSeconds - 1), rateLimited);
      await countPinChoice(db, sam, start + pinChoiceLimit.windowSeconds);
    });

    it('counts each person on their own', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const now = 1_800_000_000;
      for (let i = 0; i < pinChoiceLimit.choices; i += 1) await countPinChoice(db, sandboxPeople.sam.id, now);
      await assert.rejects(countPinChoice(db, sandboxPeople.sam.id, now), rateLimited);
      await countPinChoice(db, sandboxPeople.alex.id, now);
    });
  });
}
