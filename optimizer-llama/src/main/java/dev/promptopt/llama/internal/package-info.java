/**
 * Internal to optimizer-llama; not promised to other modules.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.llama.internal;

import org.jspecify.annotations.NullMarked;
