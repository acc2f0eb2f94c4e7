/**
 * MLflow: prompt registry, live run tracking, traces and evaluation datasets, over its REST API.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.mlflow;

import org.jspecify.annotations.NullMarked;
