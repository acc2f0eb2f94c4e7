/**
 * Few-shot demonstrations and MetaPrompt, two optimizers beside GEPA.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.fewshot;

import org.jspecify.annotations.NullMarked;
