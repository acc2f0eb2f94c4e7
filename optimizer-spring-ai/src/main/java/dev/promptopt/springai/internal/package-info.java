/**
 * Internal to optimizer-spring-ai; not promised to other modules.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.springai.internal;

import org.jspecify.annotations.NullMarked;
