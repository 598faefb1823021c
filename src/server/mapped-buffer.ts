/**
 * Reserved size of a big body's buffers: above glibc's largest dynamic mmap threshold (32 MiB on
 * 64-bit, `DEFAULT_MMAP_THRESHOLD_MAX`), so malloc always maps them on their own.
 */
const ALWAYS_MAPPED_BYTES = 33 * 1024 * 1024;

/**
 * A zero-filled buffer of `size` bytes for a big body (fresh pages: the zeros cost nothing), backed by a reservation of at least
 * {@link ALWAYS_MAPPED_BYTES}. Why: glibc maps a 1-3 MiB block on its own the first time, but once
 * one is freed it raises its mmap threshold to that size, and later blocks of that size come from
 * the heap, where bodies freed in a different order than they came leave holes that are never
 * given back (measured: 100,000 fuzz bodies with 200 of 1-3 MiB left the main heap at 32 MB from
 * 18; docs/operations.md). A block above every threshold is mapped and unmapped on its own, and
 * only the pages a body writes are ever resident, so the unused reservation costs address space,
 * not memory.
 */
const MAPPED = new WeakSet<ArrayBufferLike>();

export function mappedBuffer(size: number): Buffer<ArrayBuffer> {
  let reserved: ArrayBuffer;
  try {
    reserved = new ArrayBuffer(Math.max(size, ALWAYS_MAPPED_BYTES));
  } catch {
    // Strict overcommit (vm.overcommit_memory=2) charges the whole reservation: fall back to the size.
    reserved = new ArrayBuffer(size);
  }
  MAPPED.add(reserved);
  return Buffer.from(reserved, 0, size);
}

/**
 * Whether `bytes` lie in a block made by {@link mappedBuffer}. Each such block holds one body and
 * nothing else, so its holder may hand the whole block to another thread (transfer it) without a copy.
 */
export function isMapped(bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
  return MAPPED.has(bytes.buffer);
}
