/**
 * The embedded defaults: prompt registry, object store and run tracker in local folders, and in memory.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.core.local;

import org.jspecify.annotations.NullMarked;
