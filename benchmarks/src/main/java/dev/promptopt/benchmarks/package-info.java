/**
 * Benchmarks against the Python reference; not published.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.benchmarks;

import org.jspecify.annotations.NullMarked;
