/**
 * Spring Boot auto-configuration: a prompt registry, the application's Spring AI chat model as a language model,
 * and prototype {@code PromptOptimizer} builders, set from {@code promptopt.*} properties.
 */
@NullMarked
package dev.promptopt.springai.boot;

import org.jspecify.annotations.NullMarked;
