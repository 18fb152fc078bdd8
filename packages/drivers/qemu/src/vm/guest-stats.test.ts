import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '@gridplane/testkit';
import { GuestStatsReaders, parseGuestStats } from './guest-stats.js';

describe('guest stats report lines', () => {
  it('read the known counters as non-negative integers', () => {
    assert.deepEqual(parseGuestStats('net_rx_bytes=1200 net_tx_bytes=34\n'), {
      net_rx_bytes: 1200,
      net_tx_bytes: 34,
    });
    assert.deepEqual(parseGuestStats(' net_tx_bytes=0  other=5 '), { net_tx_bytes: 0 });
  });

  it('ignore unknown keys, negative, fractional and oversized values', () => {
    assert.equal(parseGuestStats('other=5'), null);
    assert.equal(parseGuestStats('net_rx_bytes=-1 net_tx_bytes=1.5'), null);
    assert.equal(parseGuestStats('net_rx_bytes=99999999999999999'), null);
    assert.equal(parseGuestStats(''), null);
    assert.equal(parseGuestStats('constructor=1 __proto__=2'), null);
  });
});

/** A stand-in for QEMU's side of a stats channel: a unix socket server that writes lines. */
describe('guest stats readers', async () => {
  const dir = await tempDir('gridplane-guest-stats-');
  const path = join(dir.path, 'stats.sock');
  const clients: Socket[] = [];
  let server: Server;
  const readers = new GuestStatsReaders(400);

  before(async () => {
    server = createServer((s) => {
      clients.push(s);
      s.write('net_rx_bytes=10 net_tx_bytes=');
      setTimeout(() => s.write('20\nnet_rx_bytes=15 net_tx_bytes=25\n'), 50);
    });
    await new Promise<void>((r) => server.listen(path, r));
  });
  after(async () => {
    readers.close();
    await new Promise((r) => server.close(r));
    await dir.remove();
  });

  it('connect on first use and wait for a whole, fresh report', async () => {
    // The first line of a connection was written while nobody listened: it is dropped.
    assert.deepEqual(await readers.latest(path), { net_rx_bytes: 15, net_tx_bytes: 25 });
    assert.equal(clients.length, 1, 'the connection is kept');
  });

  it('skip an overlong line and keep the last good report', async () => {
    clients[0]!.write('x'.repeat(2000) + ' net_rx_bytes=1\nnet_rx_bytes=16 net_tx_bytes=26\n');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await readers.latest(path), { net_rx_bytes: 16, net_tx_bytes: 26 });
  });

  it('give no report once the last one is older than the limit', async () => {
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await readers.latest(path), null, 'the guest stopped reporting');
    clients[0]!.write('net_rx_bytes=17 net_tx_bytes=27\n');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await readers.latest(path), { net_rx_bytes: 17, net_tx_bytes: 27 });
  });

  it('connect again after the other side closed', async () => {
    clients[0]!.destroy();
    await new Promise((r) => setTimeout(r, 100));
    await readers.latest(path);
    assert.equal(clients.length, 2);
  });

  it('give null without a socket', async () => {
    assert.equal(await readers.latest(join(dir.path, 'missing.sock')), null);
  });
});
