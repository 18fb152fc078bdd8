export * from './errors.js';
export {
  IMAGE_SUFFIX,
  openImage,
  packImage,
  readManifest,
  sha256File,
  unpackImage,
  verifyImage,
  type ImageFile,
  type OpenedImage,
  type PackedImage,
  type VerifyResult,
} from './archive/image-archive.js';
export { defaultLayout, type PlannedPartition } from './disk/layout.js';
export { compatibilityProblems } from './build/compat.js';
export type { VmBuildRequest } from './build/request.js';
export { vmsRoot, type HostStorage } from './build/storage.js';
export type { BuildProgress, BuildStage, ProgressListener, StageTiming } from './build/stages.js';
export { buildVmDisk, checkVmBuild, describeVmDisk, type BuiltVmDisk } from './build/build-vm.js';
export { modifyVmDisk, type Change, type ModifiedVmDisk } from './build/modify.js';
export { eraseVmFiles, pruneBases } from './build/erase.js';
export { saveImage, type SaveImageOptions } from './build/save-image.js';
