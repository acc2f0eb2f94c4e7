/**
 * Any Spring AI chat model as a {@link dev.promptopt.LanguageModel}, and the {@code spring-ai-openai:/} provider.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.springai;

import org.jspecify.annotations.NullMarked;
