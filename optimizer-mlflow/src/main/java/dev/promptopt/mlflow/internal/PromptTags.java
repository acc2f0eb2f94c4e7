package dev.promptopt.mlflow.internal;

/** The tag keys and values MLflow's Python client uses to store prompts as registered models. Not public API. */
public final class PromptTags {
    public static final String IS_PROMPT = "mlflow.prompt.is_prompt";
    public static final String TEXT = "mlflow.prompt.text";
    public static final String TYPE = "_mlflow_prompt_type";
    public static final String TYPE_TEXT = "text";
    public static final String TYPE_CHAT = "chat";
    public static final String MODEL_CONFIG = "_mlflow_prompt_model_config";
    public static final String RESPONSE_FORMAT = "_mlflow_prompt_response_format";
    /** The tag an optimization puts on the versions it registers: the URI of the version it started from. */
    public static final String OPTIMIZATION_SOURCE = "promptopt.source";
    /** The source MLflow's Python client gives prompt versions; the server accepts only its placeholders. */
    public static final String SOURCE = "dummy-source";
    /** Runs and traces: JSON list of {"name","version"} of the prompt versions they used. */
    public static final String LINKED_PROMPTS = "mlflow.linkedPrompts";

    private PromptTags() {
    }

    /** Tags MLflow keeps for itself; hidden from {@code PromptVersion.tags()}. */
    public static boolean isInternal(String key) {
        return key.startsWith("mlflow.prompt.") || key.startsWith("_mlflow_");
    }
}
