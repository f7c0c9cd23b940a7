// The production mailer against a minimal SMTP server on loopback: what it
// sends is what an invited person's mail server would receive.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { smtpMailer } from '../../src/mail/smtp.ts';

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** Speaks just enough SMTP (RFC 5321) for one plain, unauthenticated session per message. */
async function smtpServer(t: TestContext): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((socket: Socket) => {
    let buffer = '';
    let current: Received = { from: '', to: [], data: '' };
    let inData = false;
    socket.write('220 localhost ESMTP test\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(current);
          current = { from: '', to: [], data: '' };
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline === -1) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-localhost\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') (current.from = line, socket.write('250 2.1.0 ok\r\n'));
        else if (verb === 'RCPT') (current.to.push(line), socket.write('250 2.1.5 ok\r\n'));
        else if (verb === 'DATA') (inData = true, socket.write('354 go ahead\r\n'));
        else if (verb === 'QUIT') socket.end('221 2.0.0 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as { port: number }).port, received };
}

describe('SMTP mailer', () => {
  it('sends from MAIL_FROM to the invited address, with the subject on one line and the link in the text', async (t) => {
    const { port, received } = await smtpServer(t);
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, 'ParqEx <no-reply@parqex.example>');
    await mailer.send({ to: 'guest@example.com', subject: 'Alex\r\nBcc: victim@example.com shared access', text: 'Open https://parqex.example/invitations/abc\n' });
    assert.equal(received.length, 1);
    const [mail] = received;
    assert.match(mail!.from, /^MAIL FROM:<no-reply@parqex\.example>/i);
    assert.deepEqual(mail!.to.map((line) => line.replace(/^RCPT TO:/i, '').split(' ')[0]), ['<guest@example.com>']);
    assert.match(mail!.data, /^From: ParqEx <no-reply@parqex\.example>\r$/m);
    assert.match(mail!.data, /^Subject: Alex Bcc: victim@example\.com shared access\r$/m);
    assert.doesNotMatch(mail!.data, /^Bcc:/m);
    assert.match(mail!.data, /https:\/\/parqex\.example\/invitations\/abc/);
  });

  it('fails within seconds when the server is not there', async () => {
    const mailer = smtpMailer('smtp://127.0.0.1:1', 'ParqEx <no-reply@parqex.example>');
    await assert.rejects(mailer.send({ to: 'guest@example.com', subject: 's', text: 't' }), /ECONNREFUSED|connect/i);
  });
});
