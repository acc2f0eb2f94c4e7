package dev.promptopt;

import java.util.List;

/**
 * The run's seeded random number generator (SplitMix64). Its whole state is one {@code long}, so a
 * checkpoint can save it and a resumed run draws exactly the numbers an uninterrupted run would.
 * Not thread-safe: an optimizer draws from it on its own thread.
 *
 * <pre>{@code
 * Rng rng = Rng.seeded(42);
 * int i = rng.nextInt(10);
 * long saved = rng.state();  ...  Rng again = Rng.fromState(saved);
 * }</pre>
 */
public final class Rng {
    private long state;

    private Rng(long state) {
        this.state = state;
    }

    public static Rng seeded(long seed) {
        return new Rng(seed);
    }

    public static Rng fromState(long state) {
        return new Rng(state);
    }

    /** The state to save; {@link #fromState(long)} continues from here. */
    public long state() {
        return state;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, found " + bound);
        }
        // Lemire-free simple rejection keeps the draw unbiased and the sequence reproducible.
        long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
        long r;
        do {
            r = nextLong() >>> 1;
        } while (r >= limit);
        return (int) (r % bound);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Fisher-Yates shuffle in place. */
    public <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            T tmp = list.get(i);
            list.set(i, list.get(j));
            list.set(j, tmp);
        }
    }
}
