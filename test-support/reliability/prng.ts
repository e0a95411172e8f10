/** A small seeded PRNG (mulberry32) so every generated input is reproducible from its seed. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Random text from an alphabet that includes control characters, quotes, non-BMP and RTL characters. */
  string(maxLength = 24): string {
    const alphabets = [
      'abcdefghijklmnopqrstuvwxyz0123456789',
      ' \t\n\r\\"\'`<>&%$#{}[]()/;:.,|?*=+-_~^!@',
      '\u0000\u0001\u001f\u007f\u200b\u202e\ufeff\ud800',
      'äöüßéèñ中文日本語😀𝔘',
    ];
    const len = this.int(0, maxLength);
    let out = '';
    for (let i = 0; i < len; i++) {
      const alphabet = this.pick(alphabets);
      out += alphabet[this.int(0, alphabet.length - 1)];
    }
    return out;
  }

  /** A string that seed-dependently varies, safe for URLs after encodeURIComponent. */
  seed(): number {
    return this.int(0, 2 ** 31 - 1);
  }
}

/** A value nested `depth` levels deep, alternating arrays and objects. */
export function deeplyNested(depth: number, leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { n: v };
  return v;
}

/** The JSON text of a value nested `depth` levels deep (beyond what JSON.stringify's recursion likes). */
export function deeplyNestedJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}
