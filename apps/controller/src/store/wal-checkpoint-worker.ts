import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';

/**
 * The WAL checkpointer's thread (see WalCheckpointer): its own connection to the store's
 * file copies committed pages from the write-ahead log into the database every interval,
 * without blocking the controller's connection, which commits meanwhile.
 */
const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const port = parentPort!;
const db = new SqliteDatabase(path);
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');
const timer = setInterval(() => checkpoint.run(), intervalMs);
port.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  checkpoint.run();
  db.close();
  port.close();
});
port.postMessage('ready');
