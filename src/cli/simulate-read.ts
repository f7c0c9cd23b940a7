// `parqex simulate read --device ID --entity N --plate P`: a sandbox
// controller's camera reads a plate on the running development server
// (POST /_sandbox/plate-read), whose simulated controller publishes it.
import { parseArgs } from 'node:util';
import { DomainError } from '../access/errors.ts';
import type { Config } from '../config.ts';
import { sandboxPlateReadPath } from '../sandbox/plate-read-route.ts';
import { postToSandbox } from './sandbox-request.ts';

const simulateReadUsage = 'parqex simulate read --device DEVICE_ID --entity N --plate PLATE [--region R] [--confidence 0-1] [--read-id ID] [--url URL]';

export async function simulateRead(config: Config, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      device: { type: 'string' }, entity: { type: 'string' }, plate: { type: 'string' },
      region: { type: 'string' }, confidence: { type: 'string' }, 'read-id': { type: 'string' }, url: { type: 'string' },
    },
  });
  if (config.env === 'production') throw new DomainError('invalid', 'plate reads are simulated only in development');
  const entity = /^\d{1,3}$/.test(values.entity ?? '') ? Number(values.entity) : Number.NaN;
  const confidence = values.confidence === undefined ? undefined : Number(values.confidence);
  if (!values.device || !(entity >= 1 && entity <= 100) || values.plate === undefined || (confidence !== undefined && !(confidence >= 0 && confidence <= 1))) {
    throw new DomainError('invalid', `usage: ${simulateReadUsage}`);
  }
  const base = values.url ?? config.publicUrl;
  await postToSandbox(base, sandboxPlateReadPath, {
    device_id: values.device, entity_number: entity, plate: values.plate,
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(confidence !== undefined ? { confidence } : {}),
    ...(values['read-id'] !== undefined ? { read_id: values['read-id'] } : {}),
  }, `the server at ${base} runs no simulated controller ${values.device}: start it in development with the simulator, and name a sandbox controller`);
  process.stdout.write(`controller ${values.device} entity ${entity} read ${values.plate}\n`);
  return 0;
}
