// The `parqex` command. The only module that reads the environment.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { DomainError } from './access/errors.ts';
import { approveClient, createClient, describeClient, importClient, listRegisteredClients, removeClient, rotateClientSecret, type ClientRegistration } from './oauth/clients.ts';
import { oauthRoutes } from './oauth/routes.ts';
import { sandboxClients, sandboxPassword, sandboxPeople, sandboxRedirectUris, seedSandbox } from './sandbox/seed.ts';
import { withDatabase } from './cli/with-database.ts';
import { createBox, deriveKey } from './security/encryption.ts';
import { createController, listControllers, parseDoorSpec, rotateControllerSecret, setControllerEnabled } from './devices/registry.ts';
import { defaultBrokerUrl, startFleet } from './devices/simulator/fleet.ts';
import { webhooksCommand } from './cli/webhooks.ts';
import { clockCommand } from './cli/clock.ts';
import { simulateRead } from './cli/simulate-read.ts';
import { accountsCommand } from './cli/accounts.ts';
import { benchDataCommand } from './cli/bench-data.ts';
import { wholeNumber } from './cli/whole-number.ts';

const usage = `Usage: parqex <command>

  serve                       run the server (HTTP, OAuth, API, pages)
  migrate                     apply database migrations
  seed                        create the sandbox (development only)
  clients create --name NAME --redirect-uri URI [--redirect-uri URI ...]
                 [--type confidential|public] [--environment development|certification|production]
                 [--first-party] [--description TEXT] [--website URL]
                 [--contact-name NAME] [--contact-email EMAIL] [--json]
  clients import --client-id ID [--client-secret SECRET] (same options as create)
  clients list [--json]
  clients show CLIENT_ID [--json]
  clients rotate-secret CLIENT_ID [--json]
  clients approve CLIENT_ID [--json]      let a pending production application complete OAuth
  clients delete CLIENT_ID
  devices create --entities N [--blackbox CODE] [--door NAME:kind:type[:sensor] ...] [--json]
  devices list [--json]
  devices rotate-secret DEVICE_ID [--json]
  devices disable DEVICE_ID
  devices enable DEVICE_ID
  simulate [--sandbox] [--device DEVICE_ID --secret SECRET ...] [--count N]
           [--travel-ms MS] [--url mqtt://HOST:PORT]
  simulate read --device DEVICE_ID --entity N --plate PLATE [--region R] [--confidence 0-1] [--read-id ID] [--url URL]
                              a sandbox controller's camera reads a plate on a running development server
  webhooks create --client-id ID --url URL [--event TYPE ...] [--json]
  webhooks list --client-id ID [--json]
  webhooks disable|enable|rotate-secret|delete|deliveries ENDPOINT_ID --client-id ID [--limit N] [--status pending|delivered|dead] [--json]
  webhooks redeliver DELIVERY_ID --client-id ID [--json]
  clock advance DURATION [--url URL]   move a development server's manual clock (90m, 2h, 1d12h)
  accounts create --name NAME --admin EMAIL [--time-zone ZONE] [--json]
                              a new account whose Admin is that login (zone: the Admin's by default)
  bench-data [--controllers N] [--people N] [--doors-per-person N] [--grants N] [--events N]
             [--seed N] [--days N] [--admin EMAIL] [--share-with EMAIL] [--client-id ID] [--json]
                              fill the database with generated data for benchmarks (not in production)

Configuration comes from the environment; see README.md.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${usage}\n`);
    return command ? 0 : 2;
  }
  const config = loadConfig(process.env);
  switch (command) {
    case 'serve':
      return serve(config);
    case 'migrate':
      return withDatabase(config, async () => {
        process.stdout.write('database is up to date\n');
      });
    case 'seed':
      if (config.env === 'production') throw new DomainError('invalid', 'the sandbox is never created in production');
      return withDatabase(config, async (db) => {
        await seedSandbox(db, clientRules(config), { db, box: createBox(config.secrets.encryptionKey), pinKey: deriveKey(config.secrets.encryptionKey, 'pin lookup') });
        process.stdout.write('sandbox ready\n');
      });
    case 'clients':
      return clients(config, rest);
    case 'devices':
      return devices(config, rest);
    case 'simulate':
      return rest[0] === 'read' ? simulateRead(config, rest.slice(1)) : simulate(config, rest);
    case 'webhooks':
      return webhooksCommand(config, rest);
    case 'clock':
      return clockCommand(config, rest);
    case 'accounts':
      return accountsCommand(config, rest);
    case 'bench-data':
      return benchDataCommand(config, rest);
    default:
      process.stderr.write(`unknown command: ${command}\n\n${usage}\n`);
      return 2;
  }
}

async function serve(config: Config): Promise<number> {
  // Loaded here so the other commands start without the HTTP stack.
  const { buildApp } = await import('./app.ts');
  const app = await buildApp(config);
  try {
    await app.server.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new DomainError('invalid', `port ${config.port} on ${config.host} is already in use; set PORT to a free port`);
    }
    throw error;
  }
  if (config.sandbox) process.stdout.write(sandboxBanner(config));
  const stop = async (signal: string) => {
    app.server.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise(() => {});
}

function sandboxBanner(config: Config): string {
  const base = config.publicUrl;
  const client = sandboxClients(new URL(base).hostname).web;
  const authorize = `${base}${oauthRoutes.authorization}/?response_type=code&client_id=${encodeURIComponent(client.client_id)}`
    + `&redirect_uri=${encodeURIComponent(sandboxRedirectUris[0]!)}&scope=OPENDOOR,closedoor&state=try-me`;
  return `
ParqEx is running at ${base} (sandbox mode: test data, public passwords)

  Sandbox application   client_id      ${client.client_id}
                        client_secret  ${client.client_secret}
                        redirect URIs  ${sandboxRedirectUris.join(', ')}
  Sandbox people        ${Object.values(sandboxPeople).map((p) => p.email).join(', ')}
                        password       ${sandboxPassword}

  1. Open in a browser:  ${authorize}
  2. Sign in and ALLOW; copy the code from the redirect (the page itself will not load).
  3. curl "${base}${oauthRoutes.token}/?client_id=${client.client_id}&client_secret=${client.client_secret}&grant_type=authorization_code&code=CODE&redirect_uri=${encodeURIComponent(sandboxRedirectUris[0]!)}"
  4. curl -H "Authorization: Bearer ACCESS_TOKEN" ${base}/oauth/v1/endpoints/user-info

  Metadata: ${base}/.well-known/oauth-authorization-server   OpenAPI: ${base}/openapi.json
`;
}

function clientRules(config: Config) {
  return { apiHost: new URL(config.publicUrl).hostname, production: config.env === 'production' };
}

async function clients(config: Config, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      type: { type: 'string' },
      environment: { type: 'string' },
      'first-party': { type: 'boolean' },
      description: { type: 'string' },
      website: { type: 'string' },
      'contact-name': { type: 'string' },
      'contact-email': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [action, target] = positionals;
  const print = (value: unknown, text: string) => process.stdout.write(values.json ? `${JSON.stringify(value)}\n` : `${text}\n`);
  const registration = (): ClientRegistration => {
    if (values.type !== undefined && values.type !== 'confidential' && values.type !== 'public') throw new DomainError('invalid', '--type must be confidential or public');
    if (values.environment !== undefined && !['development', 'certification', 'production'].includes(values.environment)) {
      throw new DomainError('invalid', '--environment must be development, certification or production');
    }
    if (!values.name) throw new DomainError('invalid', '--name is required');
    return {
      name: values.name,
      redirectUris: values['redirect-uri'] ?? [],
      type: values.type as ClientRegistration['type'],
      environment: values.environment as ClientRegistration['environment'],
      firstParty: values['first-party'] ?? false,
      description: values.description,
      website: values.website,
      contactName: values['contact-name'],
      contactEmail: values['contact-email'],
    };
  };
  const secretNote = 'Store the secret now: it is shown once and kept only as a hash.';
  return withDatabase(config, async (db) => {
    switch (action) {
      case 'create': {
        const issued = await createClient(db, clientRules(config), registration());
        print(issued, `client_id      ${issued.client_id}${issued.client_secret ? `\nclient_secret  ${issued.client_secret}\n${secretNote}` : '\n(public client: no secret; PKCE is required)'}`);
        return;
      }
      case 'import': {
        if (!values['client-id']) throw new DomainError('invalid', '--client-id is required');
        const issued = await importClient(db, clientRules(config), values['client-id'], values['client-secret'], registration());
        print({ client_id: issued.client_id }, `imported ${issued.client_id}`);
        return;
      }
      case 'list': {
        const rows = await listRegisteredClients(db);
        print(rows, rows.map((c) => `${c.client_id}  ${c.type.padEnd(12)} ${c.environment.padEnd(13)} ${c.approval.padEnd(9)} ${c.name}`).join('\n') || '(no clients)');
        return;
      }
      case 'show': {
        if (!target) throw new DomainError('invalid', 'CLIENT_ID is required');
        const client = await describeClient(db, target);
        if (!client) throw new DomainError('not_found', `no client ${target}`);
        print(client, Object.entries(client).map(([k, v]) => `${k.padEnd(18)} ${Array.isArray(v) ? v.join(' ') : String(v)}`).join('\n'));
        return;
      }
      case 'rotate-secret': {
        if (!target) throw new DomainError('invalid', 'CLIENT_ID is required');
        const issued = await rotateClientSecret(db, target);
        print(issued, `client_secret  ${issued.client_secret}\n${secretNote} The old secret no longer works.`);
        return;
      }
      case 'approve': {
        if (!target) throw new DomainError('invalid', 'CLIENT_ID is required');
        const approved = await approveClient(db, target);
        print(approved, `approved ${approved.client_id}: it can now complete the OAuth flow`);
        return;
      }
      case 'delete': {
        if (!target) throw new DomainError('invalid', 'CLIENT_ID is required');
        await removeClient(db, target);
        print({ deleted: target }, `deleted ${target}`);
        return;
      }
      default:
        throw new DomainError('invalid', `unknown clients action: ${action ?? '(none)'}; use create, import, list, show, rotate-secret, approve or delete`);
    }
  });
}

async function devices(config: Config, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      entities: { type: 'string' },
      blackbox: { type: 'string' },
      door: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
  });
  const [action, target] = positionals;
  const print = (value: unknown, text: string) => process.stdout.write(values.json ? `${JSON.stringify(value)}\n` : `${text}\n`);
  const deviceId = () => {
    if (!target) throw new DomainError('invalid', 'DEVICE_ID is required');
    return target;
  };
  const secretNote = 'Store the secret now: it is shown once and kept only as a hash.';
  return withDatabase(config, async (db) => {
    switch (action) {
      case 'create': {
        if (values.entities === undefined) throw new DomainError('invalid', '--entities is required');
        const doors = (values.door ?? []).map(parseDoorSpec);
        const issued = await createController(db, { entities: wholeNumber(values.entities), blackboxCode: values.blackbox, doors });
        print(issued, `device_id      ${issued.device_id}\nblackbox_code  ${issued.blackbox_code}\nclaim_code     ${issued.claim_code}\nsecret         ${issued.secret}\n`
          + 'Store the claim code and the secret now: they are shown once and kept only as hashes. The controller stays unclaimed until an Admin claims it.');
        return;
      }
      case 'list': {
        const rows = await listControllers(db);
        print(rows, rows.map((d) => `${d.device_id}  ${d.blackbox_code}  ${(d.online ? 'online' : 'offline').padEnd(7)} ${(d.active ? '' : 'disabled').padEnd(8)} `
          + `last contact ${String(d.last_contact ?? 'never').padEnd(10)}  software ${d.software_version.padEnd(10)} ${d.account ?? '(unclaimed)'}`).join('\n') || '(no controllers)');
        return;
      }
      case 'rotate-secret': {
        const issued = await rotateControllerSecret(db, deviceId());
        print(issued, `secret  ${issued.secret}\n${secretNote} The old secret no longer signs in.`);
        return;
      }
      case 'disable':
      case 'enable': {
        const result = await setControllerEnabled(db, deviceId(), action === 'enable');
        print(result, `${action}d ${result.device_id}`);
        return;
      }
      default:
        throw new DomainError('invalid', `unknown devices action: ${action ?? '(none)'}; use create, list, rotate-secret, disable or enable`);
    }
  });
}

async function simulate(config: Config, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sandbox: { type: 'boolean' },
      device: { type: 'string', multiple: true },
      secret: { type: 'string', multiple: true },
      count: { type: 'string' },
      'travel-ms': { type: 'string' },
      url: { type: 'string' },
    },
  });
  const ids = values.device ?? [];
  const secrets = values.secret ?? [];
  if (ids.length !== secrets.length) throw new DomainError('invalid', 'give one --secret for each --device');
  const count = values.count === undefined ? 0 : wholeNumber(values.count, '--count', 1, 1000);
  const travelMs = values['travel-ms'] === undefined ? config.devices.simulatorTravelMs : wholeNumber(values['travel-ms'], '--travel-ms', 0, 120_000);
  if (!values.sandbox && ids.length === 0 && count === 0) throw new DomainError('invalid', 'nothing to simulate: give --sandbox, --device DEVICE_ID --secret SECRET, or --count N');
  if (config.env === 'production' && (values.sandbox || count > 0)) throw new DomainError('invalid', 'sandbox and throw-away controllers are never run in production');
  const url = values.url ?? defaultBrokerUrl(config.devices);
  if (!/^mqtts?:\/\/[^/]/.test(url)) throw new DomainError('invalid', '--url must be an mqtt:// or mqtts:// URL');
  const report = (line: string) => process.stdout.write(`${line}\n`);
  return withDatabase(config, async (db) => {
    const fleet = await startFleet(db, { url, travelMs, sandbox: values.sandbox ?? false, devices: ids.map((id, i) => ({ deviceId: id, secret: secrets[i]! })), count, report });
    report(`${fleet.controllers.length} simulated controller(s) on ${url}; Ctrl-C to stop`);
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    // A second signal does not wait for the goodbyes.
    process.once(signal, () => process.exit(1));
    await fleet.stop();
    report('stopped');
  });
}

/** A decimal whole number within bounds; anything else is refused. */
// A command is over once main settles: exit with its code rather than wait for
// client libraries (MQTT, database pools) to let go of their last handles.
main(process.argv.slice(2)).then((code) => {
  process.exit(code ?? 0);
}, (error: unknown) => {
  if (error instanceof ConfigError || error instanceof DomainError) {
    process.stderr.write(`parqex: ${error.message}\n`);
    process.exit(error instanceof DomainError && error.code === 'not_found' ? 3 : 2);
  }
  if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`parqex: ${error.message}\n\n${usage}\n`);
    process.exit(2);
  }
  process.stderr.write(`parqex: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
