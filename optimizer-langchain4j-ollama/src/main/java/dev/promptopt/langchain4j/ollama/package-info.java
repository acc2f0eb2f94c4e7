/**
 * The {@code ollama:/} model provider.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.langchain4j.ollama;

import org.jspecify.annotations.NullMarked;
