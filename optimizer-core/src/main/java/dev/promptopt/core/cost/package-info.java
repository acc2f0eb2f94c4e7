/**
 * Cost: token prices per model, the pre-run cost estimate and the usage meter.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.core.cost;

import org.jspecify.annotations.NullMarked;
