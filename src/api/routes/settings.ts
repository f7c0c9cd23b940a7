// Get User Settings (spec 4): POST on the user-info path, body ignored.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { readSettings, settingsForApplications } from '../../access/settings.ts';
import type { ApiDeps } from '../index.ts';
import { unixNow } from '../format.ts';
import { bearerSecurity, errorEnvelope, successEnvelope } from '../schemas.ts';

const Settings = Type.Object({
  door_open_alert_notification_enabled: Type.Boolean(),
  door_open_alert_notification_tone: Type.String(),
  time_zone: Type.String({ description: 'IANA time zone: the person\'s history dates and pages are read in it. Access hours are not: they follow the zone of each door\'s account' }),
  pin_code: Type.String({ description: 'Keypad PIN, digits as a string; "" when none is set or the person does not share it with applications' }),
});

export async function settingsRoute(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.post('/user-info', {
    schema: {
      tags: ['People'],
      summary: 'Get user settings',
      description: 'The same path as user info, method POST. Sent with Cache-Control: no-store since it carries the keypad PIN.',
      security: bearerSecurity,
      response: { 200: successEnvelope(Settings), 401: errorEnvelope },
    },
  }, async (request) => {
    const settings = await readSettings(deps.settings, request.viewer!.personId);
    return { success: true as const, timestamp: unixNow(), data: settingsForApplications(settings) };
  });
}
