package dev.promptopt;

import java.util.Map;

/**
 * The user's application code: renders the given prompts with the inputs, calls the target model,
 * returns the output. During optimization {@code prompts} holds the candidate's templates.
 *
 * <pre>{@code
 * PredictFn predict = (inputs, prompts) ->
 *     target.chat(prompts.get("sentiment").format(inputs)).text().toLowerCase();
 * }</pre>
 */
@FunctionalInterface
public interface PredictFn {
    Object predict(Map<String, Object> inputs, PromptSet prompts) throws Exception;
}
