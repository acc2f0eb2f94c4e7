package dev.promptopt.fewshot;

import dev.promptopt.Dataset;
import dev.promptopt.Optimizer;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.Scorer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.contract.OptimizerContract;
import dev.promptopt.core.testing.ScriptedModel;
import java.util.List;

/** The Optimizer contract for MetaPrompt: the rewrite asks for one word, which the scripted target obeys. */
class MetaPromptContractTest extends OptimizerContract {
    @Override
    protected String seedTemplate() {
        return "Classify the sentiment.\nText: {{text}}";
    }

    @Override
    protected PredictFn predictFn() {
        return (inputs, prompts) -> MetaPromptTest.TARGET.predict(inputs, PromptSet.of("sentiment", prompts.get(PROMPT)));
    }

    @Override
    protected Dataset trainData() {
        return MetaPromptTest.data("t", 6);
    }

    @Override
    protected Dataset validationData() {
        return MetaPromptTest.data("v", 4);
    }

    @Override
    protected List<Scorer> scorers() {
        return List.of(Scorers.exactMatch());
    }

    @Override
    protected Optimizer newOptimizer() {
        ScriptedModel rewriter = ScriptedModel.answering(
                prompt -> "```\nClassify the sentiment. Answer in one word.\nText: {{text}}\n```");
        return new MetaPrompt(MetaPromptOptions.of(rewriter).passes(3).examples(2));
    }

    @Override
    protected long tightBudget() {
        return 6;
    }
}
