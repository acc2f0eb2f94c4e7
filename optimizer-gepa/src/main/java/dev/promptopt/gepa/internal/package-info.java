/**
 * GEPA's state and steps (Pareto selection, minibatches, reflection, merge, the run loop). Not public API:
 * use {@link dev.promptopt.gepa.Gepa}.
 */
@NullMarked
package dev.promptopt.gepa.internal;

import org.jspecify.annotations.NullMarked;
