/**
 * The parts of the HTML report (charts, lineage graph, escaping, value rendering). Not public API: use
 * {@link dev.promptopt.report.HtmlReport} and {@link dev.promptopt.report.ReportListener}.
 */
@NullMarked
package dev.promptopt.report.internal;

import org.jspecify.annotations.NullMarked;
