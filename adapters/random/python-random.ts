/**
 * Python's `random.Random` for the two calls the original stub makes, `seed(int)` and
 * `randint(a, b)`, bit for bit: a Mersenne Twister (MT19937) seeded through `init_by_array` with the
 * seed's 32-bit words, and `randint` by rejection sampling on `getrandbits(bit_length(n))`.
 * Follows CPython 3.11 `Modules/_randommodule.c` (`random_seed`, `init_by_array`, `genrand_uint32`)
 * and `Lib/random.py` (`randrange`, `_randbelow_with_getrandbits`).
 */
const N = 624;
const M = 397;

export class PythonRandom {
  private readonly state = new Uint32Array(N);
  private index = N + 1;

  /** @param seed a non-negative safe integer, as `random.seed(seed)` */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    this.initByArray(seedWords(Math.abs(seed)));
  }

  /** `random.randint(low, high)`: an integer in [low, high], both ends included. */
  randint(low: number, high: number): number {
    const span = high - low + 1;
    if (!(span >= 1 && span <= 2 ** 32)) throw new RangeError(`empty or too wide range [${low}, ${high}]`);
    return low + this.randbelow(span);
  }

  private randbelow(n: number): number {
    const bits = 32 - Math.clz32(n); // int.bit_length()
    let r = this.getrandbits(bits);
    while (r >= n) r = this.getrandbits(bits);
    return r;
  }

  /** `getrandbits(k)` for 1 <= k <= 32: the top k bits of one 32-bit output. */
  private getrandbits(k: number): number {
    return this.nextUint32() >>> (32 - k);
  }

  private initGenrand(seed: number): void {
    const mt = this.state;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.state;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private nextUint32(): number {
    const mt = this.state;
    if (this.index >= N) {
      for (let kk = 0; kk < N; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[(kk + 1) % N] & 0x7fffffff);
        mt[kk] = mt[(kk + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** The seed's absolute value as little-endian 32-bit words; `[0]` for zero, as CPython does. */
function seedWords(seed: number): number[] {
  const words: number[] = [];
  let rest = seed;
  do {
    words.push(rest % 2 ** 32);
    rest = Math.floor(rest / 2 ** 32);
  } while (rest > 0);
  return words;
}
