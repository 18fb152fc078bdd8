import type { Command } from 'commander';
import type { Io } from '../../context.js';
import { registerVmActions } from './actions.js';
import { registerVmCreate } from './create.js';
import { registerVmList } from './list.js';
import { registerVmMetrics } from '../metrics.js';
import { registerVmReconfigure } from '../image-reconfigure.js';

/** `gridplane vm`: create, list, show, act on and delete VMs. */
export function registerVm(program: Command, io: Io): void {
  const vm = program.command('vm').description('virtual machines');
  registerVmCreate(vm, io);
  registerVmList(vm, io);
  registerVmActions(vm, io);
  registerVmMetrics(vm, io);
  registerVmReconfigure(vm, io);
}
