import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDestination, connectLookup, type Lookup } from '../../src/webhooks/ssrf-guard.ts';

// Never real DNS: names resolve from this table, anything else fails as ENOTFOUND would.
const zone: Record<string, string[]> = {
  'public.example': ['93.184.216.34'],
  'dual.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example': ['10.0.0.5'],
  'rebind.example': ['93.184.216.34', '192.168.1.20'],
  'mapped.example': ['::ffff:169.254.169.254'],
  'nat64.example': ['64:ff9b::a00:5'],
  'nat64-public.example': ['64:ff9b::5db8:d822'],
  'zoned.example': ['fe80::1%eth0'],
  localhost: ['127.0.0.1', '::1'],
};
const lookups: string[] = [];
const lookup: Lookup = async (host) => {
  lookups.push(host);
  const addresses = zone[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const production = { production: true, lookup };
const development = { production: false, lookup };

async function refused(url: string, options: typeof production, reason?: RegExp): Promise<void> {
  const result = await checkDestination(url, options);
  assert.equal(result.ok, false, `${url} should be refused`);
  if (reason && !result.ok) assert.match(result.reason, reason);
}

describe('webhook destination guard', () => {
  for (const url of [
    'https://127.0.0.1/hook',
    'https://127.8.9.10/hook',
    'https://10.0.0.1/hook',
    'https://172.16.0.1/hook',
    'https://192.168.0.1/hook',
    'https://100.64.0.1/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://0.0.0.0/hook',
    'https://[::1]/hook',
    'https://[::]/hook',
    'https://[fd12:3456::1]/hook',
    'https://[fe80::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:10.0.0.1]/hook',
    'https://0x7f.1/hook',
    'https://2130706433/hook',
    // NAT64, well-known and local-use prefixes, with loopback, private and metadata inside
    'https://[64:ff9b::7f00:1]/hook',
    'https://[64:ff9b::a9fe:a9fe]/hook',
    'https://[64:ff9b:1::7f00:1]/hook',
    'https://[64:ff9b:1::5db8:d822]/hook',
    // 6to4 (2002:IPv4::) of loopback, private, metadata, unspecified
    'https://[2002:7f00:1::]/hook',
    'https://[2002:a00:1::1]/hook',
    'https://[2002:a9fe:a9fe::]/hook',
    'https://[2002::]/hook',
    // Teredo: a private server, a loopback client (stored inverted), the bare prefix
    'https://[2001:0:a00:1::5db8:d822]/hook',
    'https://[2001:0:5db8:d822:0:0:80ff:fffe]/hook',
    'https://[2001::]/hook',
    'https://[2001::1]/hook',
    // IPv4-compatible (deprecated), translated (RFC 6145), discard-only, documentation, benchmarking, ORCHID, site-local, multicast
    'https://[::7f00:1]/hook',
    'https://[::127.0.0.1]/hook',
    'https://[::ffff:0:7f00:1]/hook',
    'https://[100::1]/hook',
    'https://[2001:db8::1]/hook',
    'https://[2001:2::1]/hook',
    'https://[2001:10::1]/hook',
    'https://[2001:20::1]/hook',
    'https://[fec0::1]/hook',
    'https://[ff02::1]/hook',
    'https://[ff0e::1]/hook',
    // IPv4 special ranges the old list missed: documentation, 6to4 relay, AS112, AMT, broadcast
    'https://192.0.2.1/hook',
    'https://198.51.100.7/hook',
    'https://203.0.113.9/hook',
    'https://192.88.99.1/hook',
    'https://192.175.48.1/hook',
    'https://192.52.193.1/hook',
    'https://255.255.255.255/hook',
    'https://[::ffff:169.254.169.254]/hook',
    'https://[::ffff:a9fe:a9fe]/hook',
  ]) {
    it(`refuses an internal address in production [${url}]`, () => refused(url, production, /address/));
  }

  for (const url of ['https://localhost/hook', 'https://LOCALHOST./hook', 'https://api.localhost/hook', 'https://metadata.google.internal/computeMetadata/v1/']) {
    it(`refuses an internal name in production without looking it up [${url}]`, async () => {
      lookups.length = 0;
      await refused(url, production, /internal name/);
      assert.deepEqual(lookups, []);
    });
  }

  it('refuses a name that resolves to a private address in production', () => refused('https://internal.example/hook', production, /resolves/));

  it('refuses a name when any one of its addresses is private [DNS rebinding]', () => refused('https://rebind.example/hook', production, /resolves/));

  it('refuses a name that resolves to an IPv4-mapped metadata address in production', () => refused('https://mapped.example/hook', production));

  it('refuses a name that resolves to a NAT64 form of a private address in production', () => refused('https://nat64.example/hook', production));

  it('refuses a name that resolves to a link-local address with a zone id in production', () => refused('https://zoned.example/hook', production));

  it('refuses a name that does not resolve', () => refused('https://missing.example/hook', production, /does not resolve/));

  it('allows a public address literal and looks nothing up', async () => {
    lookups.length = 0;
    assert.deepEqual(await checkDestination('https://93.184.216.34/', production), { ok: true, addresses: ['93.184.216.34'] });
    assert.deepEqual(lookups, []);
  });

  it('allows a name that resolves to public addresses and returns them all for the connection', async () => {
    assert.deepEqual(await checkDestination('https://public.example/hook', production), { ok: true, addresses: ['93.184.216.34'] });
    assert.deepEqual(await checkDestination('https://dual.example:8443/hook', production), {
      ok: true,
      addresses: ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    });
  });

  it('allows a NAT64 form of a public address', async () => {
    assert.equal((await checkDestination('https://nat64-public.example/hook', production)).ok, true);
  });

  for (const url of ['https://[2002:5db8:d822::1]/hook', 'https://[2001:0:5db8:d822:0:0:a247:ddfe]/hook', 'https://[::ffff:93.184.216.34]/hook', 'https://[2606:4700:4700::1111]/hook', 'https://8.8.8.8/hook']) {
    it(`allows a public address, also embedded in 6to4, Teredo or IPv4-mapped form [${url}]`, async () => {
      assert.equal((await checkDestination(url, production)).ok, true);
    });
  }

  it('refuses names resolving to 6to4, Teredo or local-use NAT64 forms of internal addresses', async () => {
    const tricky: Lookup = async (host) => [{ address: ({ a: '2002:7f00:1::', b: '2001:0:a00:1::1', c: '64:ff9b:1::a00:1', d: '100::1' } as Record<string, string>)[host.split('.')[0]!]!, family: 6 }];
    for (const host of ['a.example', 'b.example', 'c.example', 'd.example']) {
      const result = await checkDestination(`https://${host}/hook`, { production: true, lookup: tricky });
      assert.equal(result.ok, false, host);
    }
  });

  it('allows plain http to loopback in development', async () => {
    assert.deepEqual(await checkDestination('http://127.0.0.1:8080/hook', development), { ok: true, addresses: ['127.0.0.1'] });
    assert.deepEqual(await checkDestination('http://[::1]:8080/hook', development), { ok: true, addresses: ['::1'] });
    assert.deepEqual(await checkDestination('http://localhost:8080/hook', development), { ok: true, addresses: ['127.0.0.1', '::1'] });
  });

  it('allows https to internal addresses in development', async () => {
    assert.equal((await checkDestination('https://10.0.0.1/hook', development)).ok, true);
  });

  it('refuses plain http in production [loopback]', () => refused('http://127.0.0.1:8080/hook', production, /https is required/));

  it('refuses plain http to anything but loopback [production] [development]', async () => {
    await refused('http://example.com/hook', production, /https/);
    await refused('http://public.example/hook', development, /only to loopback/);
    await refused('http://10.0.0.1/hook', development, /only to loopback/);
  });

  for (const url of ['ftp://93.184.216.34/hook', 'file:///etc/passwd', 'ws://127.0.0.1/hook', 'gopher://127.0.0.1:6379/_', 'javascript:alert(1)']) {
    it(`refuses a scheme other than https [${url}]`, async () => {
      await refused(url, production, /scheme/);
      await refused(url, development, /scheme/);
    });
  }

  for (const url of ['https://user:pass@public.example/hook', 'https://user@public.example/hook', 'http://user:pass@127.0.0.1:8080/hook']) {
    it(`refuses a URL with credentials [${url}]`, async () => {
      await refused(url, production, /credentials/);
      await refused(url, development, /credentials/);
    });
  }

  it('checks address literals and internal names without a lookup function [default lookup unused]', async () => {
    assert.deepEqual(await checkDestination('https://93.184.216.34/', { production: true }), { ok: true, addresses: ['93.184.216.34'] });
    assert.equal((await checkDestination('https://169.254.169.254/', { production: true })).ok, false);
    assert.equal((await checkDestination('https://localhost/', { production: true })).ok, false);
  });

  it('refuses a string that is not a URL', () => refused('not a url', production, /valid URL/));
});

describe('the lookup a delivery connects with', () => {
  const resolveWith = (options: typeof production, host: string, all: boolean) => new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) => {
    connectLookup(options)(host, { all }, (error, address) => resolve({ error, address }));
  });

  it('refuses, in production, a name that resolves to an internal address when the socket connects', async () => {
    for (const host of ['internal.example', 'rebind.example', 'mapped.example', 'nat64.example', 'zoned.example', 'localhost']) {
      const { error } = await resolveWith(production, host, true);
      assert.match(error?.message ?? '', /refused destination/, host);
    }
  });

  it('hands the socket the checked addresses [all] and the first one [single]', async () => {
    assert.deepEqual((await resolveWith(production, 'dual.example', true)).address, [
      { address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ]);
    assert.equal((await resolveWith(production, 'public.example', false)).address, '93.184.216.34');
  });

  it('lets development connect to loopback, and fails a name that does not resolve', async () => {
    assert.equal((await resolveWith(development, 'localhost', false)).address, '127.0.0.1');
    assert.equal((await resolveWith(development, 'nowhere.example', false)).error?.code, 'ENOTFOUND');
  });
});
