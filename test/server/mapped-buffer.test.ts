import { isMapped, mappedBuffer } from '../../src/server/mapped-buffer';

describe('mappedBuffer', () => {
  it('gives `size` zero bytes at the start of a reservation above every glibc mmap threshold', () => {
    for (const size of [0, 1, 3 * 1024 * 1024 + 5]) {
      const buffer = mappedBuffer(size);
      expect(buffer.length).toBe(size);
      expect(buffer.byteOffset).toBe(0);
      expect(buffer.buffer.byteLength).toBeGreaterThan(32 * 1024 * 1024);
      expect(buffer.every((byte) => byte === 0)).toBe(true);
    }
  });

  it('knows its own blocks, and no other buffer', () => {
    const mapped = mappedBuffer(100);
    expect([isMapped(mapped), isMapped(mapped.subarray(10)), isMapped(Buffer.alloc(100)), isMapped(new Uint8Array(100))]).toEqual([true, true, false, false]);
  });

  it('is exactly as large as asked above the reservation', () => {
    const size = 40 * 1024 * 1024;
    const buffer = mappedBuffer(size);
    expect([buffer.length, buffer.buffer.byteLength]).toEqual([size, size]);
  });

  it('can be transferred to another thread (a plain ArrayBuffer, not a shared one)', () => {
    const buffer = mappedBuffer(10);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(buffer, [buffer.buffer]);
    expect(buffer.buffer.byteLength).toBe(0); // detached here
    port1.close();
    port2.close();
  });
});
