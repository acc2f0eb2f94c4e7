/**
 * JMH microbenchmarks of the template and evaluation hot paths.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
