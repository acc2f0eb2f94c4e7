/**
 * Internal to optimizer-langchain4j-ollama; not promised to other modules.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.langchain4j.ollama.internal;

import org.jspecify.annotations.NullMarked;
