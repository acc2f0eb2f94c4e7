/**
 * Prompt regression tests for JUnit 5: score assertions and recorded model answers.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.junit;

import org.jspecify.annotations.NullMarked;
