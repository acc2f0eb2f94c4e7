/**
 * The offline local model: a llama.cpp GGUF model in-process, and the {@code local:/} provider.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.llama;

import org.jspecify.annotations.NullMarked;
