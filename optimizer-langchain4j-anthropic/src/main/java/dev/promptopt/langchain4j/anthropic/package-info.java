/**
 * The {@code anthropic:/} model provider.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.langchain4j.anthropic;

import org.jspecify.annotations.NullMarked;
