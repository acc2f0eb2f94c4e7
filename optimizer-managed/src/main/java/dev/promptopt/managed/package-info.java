/**
 * Managed optimization runs in the SAP AI Core style: configuration, executions, leases and results.json.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.managed;

import org.jspecify.annotations.NullMarked;
