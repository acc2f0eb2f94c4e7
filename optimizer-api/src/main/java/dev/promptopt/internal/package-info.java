/**
 * Internal to optimizer-api; not promised to other modules.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.internal;

import org.jspecify.annotations.NullMarked;
