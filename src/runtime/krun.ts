// krun under podman (pure): which runtime binary podman runs, and the microVM's size. Checked against
// containers/crun 1.29 (src/crun.c fill_handler_from_argv0, src/libcrun/handlers/krun.c, krun.1.md).
import { basename } from 'node:path'
import type { SandboxPlan } from '../sandbox/plan.js'

/**
 * Memory kept for the VMM. The guest's RAM and the VMM that emulates its devices (virtio-fs server threads,
 * vsock/TSI, the console, page tables for the guest's memory) are one process in one cgroup: a guest as big as
 * the memory limit gets the whole VM killed by the OOM killer as soon as the guest fills its RAM.
 */
export const KRUN_VMM_RESERVE_MB = 256
/** crun ignores krun.ram_mib at or below 128 MiB and falls back to the whole memory limit (krun.c, LIBKRUN_MINIMUM_RAM_MIB). */
export const KRUN_MIN_GUEST_MB = 256
/** libkrun's hard limit of vCPUs per microVM (krun.c, LIBKRUN_MAX_VCPUS). */
const KRUN_MAX_VCPUS = 16

export const krunGuestMemoryMb = (memoryMb: number): number => memoryMb - KRUN_VMM_RESERVE_MB

/** `--runtime …` and the annotations for a krun session; empty for every other runtime. */
export function krunArgs(plan: Pick<SandboxPlan, 'runtime' | 'runtimePath' | 'limits'>): string[] {
  if (plan.runtime !== 'krun') return []
  const path = plan.runtimePath ?? 'krun'
  // crun runs as krun when its argv[0] is "krun"; crun under its own name needs the handler annotation (and
  // refuses it when the handler is already set by the name: custom-handler.c, "invalid attempt to override").
  const handler = basename(path) === 'krun' ? [] : ['--annotation', 'run.oci.handler=krun']
  const cpus = Math.min(KRUN_MAX_VCPUS, Math.max(1, Math.ceil(plan.limits.cpus)))
  return [
    '--runtime', path,
    ...handler,
    // `--cpus` only throttles the VMM's threads; the guest's vCPUs and RAM are these (annotations beat the image's /.krun_vm.json).
    '--annotation', `krun.cpus=${cpus}`,
    '--annotation', `krun.ram_mib=${krunGuestMemoryMb(plan.limits.memoryMb)}`,
    // Pinned off, so an image's /.krun_vm.json cannot turn them on: passt would give the guest a network device of
    // its own (the sandbox's only way out is the proxy relay), nested_virt the host's virtualization extensions.
    '--annotation', 'krun.use_passt=0',
    '--annotation', 'krun.nested_virt=0',
  ]
}
