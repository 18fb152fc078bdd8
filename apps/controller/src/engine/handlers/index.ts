import type { OperationKind } from '@gridplane/api';
import type { OperationHandler } from '../handler.js';
import { hostActivate, hostMaintenance } from './host-maintenance.js';
import { vmCreate } from './vm-create.js';
import { vmDelete } from './vm-delete.js';
import { vmMigrate } from './vm-migrate.js';
import { vmReconfigure } from './vm-reconfigure.js';
import { vmSaveImage } from './vm-save-image.js';
import { vmReboot, vmResume, vmStart, vmStop, vmSuspend } from './vm-power.js';
import { vmResize } from './vm-resize.js';
import { vmDeleteSnapshot, vmRestore, vmSnapshot } from './vm-snapshot.js';

/** Every operation kind and the handler that carries it out. */
export const HANDLERS: ReadonlyMap<OperationKind, OperationHandler> = new Map(
  [
    vmCreate,
    vmDelete,
    vmStart,
    vmStop,
    vmSuspend,
    vmResume,
    vmReboot,
    vmSnapshot,
    vmRestore,
    vmDeleteSnapshot,
    vmResize,
    vmMigrate,
    vmReconfigure,
    vmSaveImage,
    hostMaintenance,
    hostActivate,
  ].map((h) => [h.kind, h]),
);
