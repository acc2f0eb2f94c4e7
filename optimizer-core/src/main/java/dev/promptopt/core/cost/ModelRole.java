package dev.promptopt.core.cost;

/**
 * What a model call was for, so usage and cost can be reported per role.
 *
 * <pre>{@code
 * LanguageModel judge = meter.meter(rawJudge, ModelRole.JUDGE);
 * }</pre>
 */
public enum ModelRole {
    /** The user's target model, called by the predict function. */
    TASK,
    /** An LLM judge scoring outputs. */
    JUDGE,
    /** The optimizer's reflection model proposing new prompts. */
    REFLECTION
}
