// Requests that arrive together and ask for the same unique thing: one wins,
// every other gets the documented refusal (as it would one after the other),
// never a 500 from the unique index the check before the write could not see.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxVehicles } from '../../src/access/vehicles.ts';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { call, refused, type Answer } from '../helpers/api-calls.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

const quiet = { PARQEX_WEBHOOKS: 'false', PARQEX_RATE_LIMIT_PER_TOKEN: '100000' };
const together = 8;
const rounds = 5;

/** Exactly one answer is `won`; every other is the refusal, in its envelope. */
function oneWins(answers: Answer[], won: number, status: number, code: string): void {
  assert.deepEqual(answers.filter((answer) => answer.status !== won && answer.status !== status).map((answer) => answer.text), []);
  assert.equal(answers.filter((answer) => answer.status === won).length, 1, answers.map((answer) => answer.status).join());
  for (const answer of answers.filter((answer) => answer.status === status)) refused(answer, status, code);
}

for (const engine of engines()) {
  describe(`the same unique thing asked for at once [${engine}]`, () => {
    it('PATCH vehicles/{id}: of many vehicles given one plate at once, one gets it and the others 409 duplicate', async (t) => {
      const { baseUrl } = await startServer(t, engine, quiet);
      const token = (await sandboxTokens(baseUrl, { email: sandboxPeople.sam.email, scope: 'vehicles' })).access_token;
      const ids: string[] = [];
      for (let index = 0; index < maxVehicles; index += 1) {
        const added = await call(baseUrl, token, 'POST', 'vehicles', { plate: `SAM${index}R` });
        assert.equal(added.status, 201, added.text);
        ids.push(added.body.data.id);
      }
      // A person has at most ten vehicles: a few rounds give the race more chances.
      for (let round = 1; round <= rounds; round += 1) {
        const answers = await Promise.all(ids.map((id) => call(baseUrl, token, 'PATCH', `vehicles/${id}`, { plate: `race ${round}` })));
        oneWins(answers, 200, 409, 'duplicate');
      }
      const plates = (await call(baseUrl, token, 'GET', 'vehicles')).body.data.map((vehicle: { plate: string }) => vehicle.plate);
      assert.equal(new Set(plates).size, maxVehicles);
    });

    it('POST vehicles: one plate added many times at once is added once, the others 409 duplicate', async (t) => {
      const { baseUrl } = await startServer(t, engine, quiet);
      const token = (await sandboxTokens(baseUrl, { email: sandboxPeople.sam.email, scope: 'vehicles' })).access_token;
      const answers = await Promise.all(Array.from({ length: together }, () => call(baseUrl, token, 'POST', 'vehicles', { plate: 'race 0' })));
      oneWins(answers, 201, 409, 'duplicate');
    });

    it('POST and PATCH vehicles at once with one plate: one gets it, the other 409 duplicate', async (t) => {
      const { baseUrl } = await startServer(t, engine, quiet);
      const token = (await sandboxTokens(baseUrl, { email: sandboxPeople.sam.email, scope: 'vehicles' })).access_token;
      const ids: string[] = [];
      for (let index = 0; index < together / 2; index += 1) ids.push((await call(baseUrl, token, 'POST', 'vehicles', { plate: `SAM${index}R` })).body.data.id);
      const answers = await Promise.all([
        ...ids.map((id) => call(baseUrl, token, 'PATCH', `vehicles/${id}`, { plate: 'RACE3' })),
        ...ids.map(() => call(baseUrl, token, 'POST', 'vehicles', { plate: 'RACE3' })),
      ]);
      assert.deepEqual(answers.filter((answer) => answer.status >= 500).map((answer) => answer.text), []);
      assert.equal(answers.filter((answer) => answer.status === 200 || answer.status === 201).length, 1, answers.map((answer) => answer.status).join());
      for (const answer of answers.filter((answer) => answer.status === 409)) refused(answer, 409, 'duplicate');
    });
  });
}
