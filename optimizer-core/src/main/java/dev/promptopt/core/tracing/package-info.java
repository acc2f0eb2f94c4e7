/**
 * Traces of model calls, written locally, and read back as datasets.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.core.tracing;

import org.jspecify.annotations.NullMarked;
