/**
 * The run: the {@link dev.promptopt.core.PromptOptimizer} builder, {@link dev.promptopt.core.Evaluation},
 * scorers and LLM judges, model resolution, checkpoints and listeners.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.core;

import org.jspecify.annotations.NullMarked;
