/**
 * Internal to optimizer-mlflow; not promised to other modules.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.mlflow.internal;

import org.jspecify.annotations.NullMarked;
