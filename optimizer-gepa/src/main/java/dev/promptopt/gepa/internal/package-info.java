/**
 * GEPA's state and steps (Pareto selection, minibatches, reflection, merge, the run loop). Not public API:
 * use {@link dev.promptopt.gepa.Gepa}.
 */
package dev.promptopt.gepa.internal;
