package dev.promptopt.mlflow;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real MLflow server: one per test JVM, started on first use (installing MLflow into the
 * cached virtualenv when needed) and stopped when the JVM's tests end.
 *
 * <pre>{@code
 * @ExtendWith(MlflowServerExtension.class)
 * class SomeTest {
 *     @BeforeAll static void server(MlflowServer server) { ... server.uri() ... }
 * }
 * }</pre>
 */
public final class MlflowServerExtension implements ParameterResolver {

    /** The shared server, started when first asked for. */
    public static MlflowServer shared(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(MlflowServer.class, k -> {
                    try {
                        return MlflowServer.start();
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot start the MLflow test server: " + e.getMessage(), e);
                    }
                }, MlflowServer.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == MlflowServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return shared(extensionContext);
    }
}
