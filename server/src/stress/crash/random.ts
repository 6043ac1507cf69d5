/**
 * A small seeded generator (xorshift-multiply on 32 bits): the kill schedule and every choice
 * of the clients derive from the printed seed, so that a failing run can be replayed with
 * `CRASH_SEED=<n>` (the interleaving of requests with the kills stays up to the machine).
 */
export interface Random {
  /** A float in [0, 1). */
  next: () => number;
  /** An integer in [min, max]. */
  int: (min: number, max: number) => number;
  chance: (probability: number) => boolean;
  pick: <T>(values: readonly T[]) => T;
  /** A random subset, at least `min` long, in the original order. */
  subset: <T>(values: readonly T[], min?: number) => T[];
  /** A UUID v4 built from the generator: stable for a seed. */
  uuid: () => string;
  /** A child generator of its own, so that one client's choices do not shift another's. */
  fork: (label: string) => Random;
}

const hashLabel = (label: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i += 1) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
};

export function createRandom(seed: number): Random {
  let state = (seed ^ 0x9e3779b9) >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (Math.imul(state, 0x2545f491) >>> 0) / 2 ** 32;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const random: Random = {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: (values) => {
      if (values.length === 0) throw new Error('pick from an empty list');
      return values[int(0, values.length - 1)] as (typeof values)[number];
    },
    subset: (values, min = 1) => {
      const chosen = values.filter(() => next() < 0.5);
      for (const value of values) {
        if (chosen.length >= min) break;
        if (!chosen.includes(value)) chosen.push(value);
      }
      return values.filter((value) => chosen.includes(value));
    },
    uuid: () => {
      const hex = Array.from({ length: 32 }, () => int(0, 15).toString(16));
      hex[12] = '4';
      hex[16] = ((int(0, 15) & 0x3) | 0x8).toString(16);
      const s = hex.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
    fork: (label) => createRandom((seed ^ hashLabel(label)) >>> 0),
  };
  return random;
}

/** The seed of this run: `CRASH_SEED` when given, else a fresh one (printed by the test). */
export function crashSeed(): number {
  const fromEnv = Number(process.env.CRASH_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0
    ? fromEnv
    : Math.floor(Math.random() * 1_000_000_000) + 1;
}
