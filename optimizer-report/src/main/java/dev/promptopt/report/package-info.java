/**
 * Reports of optimization runs for people: {@link dev.promptopt.report.HtmlReport} renders an
 * {@link dev.promptopt.OptimizationResult} as one self-contained HTML page (inline SVG charts, no scripts),
 * and {@link dev.promptopt.report.TextDiff} is the word-level diff it uses between prompts.
 *
 * <pre>{@code
 * OptimizationResult result = PromptOptimizer.builder()...run();
 * HtmlReport.of(result).writeTo(runDirectory.resolve(result.runId()));   // runs/<id>/report.html
 * }</pre>
 */
@NullMarked
package dev.promptopt.report;

import org.jspecify.annotations.NullMarked;
