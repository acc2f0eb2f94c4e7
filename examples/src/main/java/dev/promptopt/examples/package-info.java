/**
 * Runnable examples; the README's main job runs {@link dev.promptopt.examples.SentimentOptimization}.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.examples;

import org.jspecify.annotations.NullMarked;
