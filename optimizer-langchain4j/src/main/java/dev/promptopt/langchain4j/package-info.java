/**
 * Any langchain4j chat model as a {@link dev.promptopt.LanguageModel}, with retries and rate limits; the
 * base of the provider modules.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.langchain4j;

import org.jspecify.annotations.NullMarked;
