/**
 * What modules built on core share with it: the JSON setup of every file a run writes ({@link
 * dev.promptopt.core.io.JsonSupport}), atomic file replacement ({@link dev.promptopt.core.io.AtomicFiles}) and the
 * run folder's files ({@link dev.promptopt.core.io.RunFiles}).
 */
@NullMarked
package dev.promptopt.core.io;

import org.jspecify.annotations.NullMarked;
