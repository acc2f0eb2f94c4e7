package dev.promptopt.mlflow;

import dev.promptopt.PromptRegistry;
import dev.promptopt.core.contract.PromptRegistryContract;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry contract against a real MLflow server. */
@ExtendWith(MlflowServerExtension.class)
class MlflowPromptRegistryTest extends PromptRegistryContract {
    private static MlflowServer server;
    private String suffix;

    @BeforeAll
    static void server(MlflowServer s) {
        server = s;
    }

    @BeforeEach
    void uniqueNames() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    protected PromptRegistry newRegistry() {
        return new MlflowPromptRegistry(server.connection());
    }

    @Override
    protected String name(String base) {
        return base + "-" + suffix;
    }
}
