/**
 * Internal to optimizer-core; not promised to other modules.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.core.internal.data;

import org.jspecify.annotations.NullMarked;
