/**
 * Internal to optimizer-junit; not promised to other modules.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.junit.internal;

import org.jspecify.annotations.NullMarked;
