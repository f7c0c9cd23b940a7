// `parqex simulate` as a child process against a running server's embedded
// broker: its controllers come online, answer commands, and say goodbye.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import type { App } from '../../src/app.ts';
import { createController } from '../../src/devices/registry.ts';
import { sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';
import { runInBackground, type Background } from '../helpers/cli.ts';
import { until } from '../helpers/controllers.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

/** The child shares the server's database (the same SQLite file) and talks to its broker. */
function simulate(t: Parameters<typeof runInBackground>[0], app: App, args: string[]): Background {
  return runInBackground(t, ['simulate', ...args, '--url', app.brokerUrl, '--travel-ms', '10'], {
    PARQEX_DATA_DIR: app.config.dataDir,
    PARQEX_COOKIE_SECRETS: app.config.secrets.cookieKeys.join(','),
    PARQEX_ENCRYPTION_KEY: app.config.secrets.encryptionKey.toString('base64'),
    PARQEX_SANDBOX: 'false',
  });
}

async function online(app: App, deviceId: string): Promise<number | undefined> {
  return (await app.db.selectFrom('devices').select('online').where('id', '=', deviceId).executeTakeFirst())?.online;
}

describe('parqex simulate', () => {
  it('brings a registered controller online, and offline again on SIGTERM', async (t) => {
    const { app } = await startServer(t, 'sqlite');
    const issued = await createController(app.db, { entities: 2, doors: [
      { name: 'Garage', kind: 'stateful', type: 'garage', sensor: true },
      { name: 'Lobby', kind: 'momentary', type: 'pedestrian', sensor: false },
    ] });
    const child = simulate(t, app, ['--device', issued.device_id, '--secret', issued.secret]);

    await until(async () => (await online(app, issued.device_id)) === 1, 20_000).catch(() => {
      assert.fail(`the controller never came online; stdout: ${child.stdout()} stderr: ${child.stderr()}`);
    });
    // The broker hears the controller before the parent reads the child's line: wait for the line too.
    await until(() => child.stdout().includes('connected'), 10_000);
    assert.match(child.stdout(), new RegExp(`^controller ${issued.device_id} connected \\(2 doors\\)\\n`));
    // Its first state report arrived too.
    await until(async () => (await app.db.selectFrom('devices').select('software_version').where('id', '=', issued.device_id).executeTakeFirstOrThrow()).software_version === 'sim-1.0.0');

    child.child.kill('SIGTERM');
    assert.equal(await child.exited, 0, child.stderr());
    assert.match(child.stdout(), /stopped\n$/);
    await until(async () => (await online(app, issued.device_id)) === 0);
  });

  it('prints a line for each command its controller answers', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite');
    const a = sandboxDevices.a;
    const child = simulate(t, app, ['--device', a.id, '--secret', a.secret]);
    await until(async () => (await online(app, a.id)) === 1, 20_000);

    const { access_token } = await sandboxTokens(baseUrl);
    const response = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ door_id: compactId(sandboxDoors.garage.id), door_state: 'open' }),
    });
    const body = await response.json() as { data?: { toggle_id: string } };
    assert.equal(response.status, 200, JSON.stringify(body));
    await until(() => child.stdout().includes(`controller ${a.id}: open door 1 -> ok [command ${body.data!.toggle_id}]`));

    child.child.kill('SIGINT');
    assert.equal(await child.exited, 0, child.stderr());
  });
});
