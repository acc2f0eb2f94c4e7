/**
 * The {@code promptopt} command line (picocli): run, status, resume and cancel managed executions.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.cli;

import org.jspecify.annotations.NullMarked;
