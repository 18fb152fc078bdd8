import { SimDriver } from './driver.js';
import { FaultRules } from './faults.js';
import { SimHost } from './host.js';
import { bitbrainsTraces } from './load/trace.js';
import { resolveOptions, type ResolvedOptions, type SimDriverOptions } from './options.js';
import { COUNTER_NAMES, type CounterName } from './state/record.js';
import { SimStore, type SimHostRecord } from './state/store.js';

function newHostRecord(config: ResolvedOptions): SimHostRecord {
  const retired = {} as Record<CounterName, number>;
  for (const name of COUNTER_NAMES) retired[name] = 0;
  const now = config.clock();
  return {
    version: 1,
    hostName: config.hostName,
    personality: config.personality.name,
    bootedAt: now,
    upBeforeMs: 0,
    crashedAt: null,
    retired,
  };
}

/**
 * Opens a simulated host over its state directory: a new host when the directory is empty,
 * else the host as it was left, with its VMs in the power states they had (the hypervisor
 * outlives the driver). One driver per directory at a time.
 */
export async function createSimDriver(options: SimDriverOptions): Promise<SimDriver> {
  const config = resolveOptions(options);
  const traces = config.cpuTraces ? await bitbrainsTraces(config.cpuTraces.dir) : null;
  const store = await SimStore.open(config.stateDir, config.fsync);
  try {
    let record = await store.loadHost();
    if (record && record.personality !== config.personality.name) {
      throw new Error(
        `${config.stateDir} holds a ${record.personality} host, not ${config.personality.name}`,
      );
    }
    if (!record) {
      record = newHostRecord(config);
      await store.saveHost(record);
    }
    const host = new SimHost(config, store, record, await store.loadVms(), traces);
    const rules = new FaultRules();
    for (const rule of config.faults.fail ?? []) rules.fail(rule);
    for (const rule of config.faults.hang ?? []) rules.hang(rule);
    const driver = new SimDriver(host, rules);
    if (config.faults.hostCrashed) await driver.faults.crashHost();
    return driver;
  } catch (e) {
    await store.close();
    throw e;
  }
}
