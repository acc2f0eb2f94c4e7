/**
 * The public types and SPIs of the prompt optimizer: templates, prompts and registries, examples and datasets,
 * scorers, language models, optimizers, object stores, trackers, events and results.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt;

import org.jspecify.annotations.NullMarked;
