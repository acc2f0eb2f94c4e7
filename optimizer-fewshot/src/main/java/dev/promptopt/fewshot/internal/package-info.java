/**
 * Internal to optimizer-fewshot; not promised to other modules.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.fewshot.internal;

import org.jspecify.annotations.NullMarked;
