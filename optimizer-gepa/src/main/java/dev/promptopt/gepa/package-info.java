/**
 * GEPA, the reflective prompt optimizer: {@link dev.promptopt.gepa.Gepa} configured with
 * {@link dev.promptopt.gepa.GepaOptions}.
 *
 * <pre>{@code
 * Optimizer gepa = new Gepa(Gepa.options().reflectionModel("openai:/gpt-4o").maxMetricCalls(300).merge(true));
 * }</pre>
 */
@NullMarked
package dev.promptopt.gepa;

import org.jspecify.annotations.NullMarked;
