/**
 * The S3 object store (AWS SDK v2) and its {@code s3://} provider.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.promptopt.s3;

import org.jspecify.annotations.NullMarked;
