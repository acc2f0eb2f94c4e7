/**
 * The {@code openai:/} and {@code openai-compatible:/} model providers.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.langchain4j.openai;

import org.jspecify.annotations.NullMarked;
