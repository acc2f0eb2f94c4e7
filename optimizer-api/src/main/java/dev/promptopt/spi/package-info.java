/**
 * Helpers for implementing and finding the SPIs: the one ServiceLoader helper ({@link dev.promptopt.spi.Services}),
 * embedded defaults, object-key rules and registry message text.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.spi;

import org.jspecify.annotations.NullMarked;
