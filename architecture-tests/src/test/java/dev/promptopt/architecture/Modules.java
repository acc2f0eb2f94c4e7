package dev.promptopt.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;

/** Which module owns which package tree. */
final class Modules {
    static final String UNKNOWN = "unknown";

    /** The API's classes: its top package (not its sub-packages, which belong to other modules) and two trees. */
    static final String[] API_PACKAGES = {"dev.promptopt", "dev.promptopt.spi..", "dev.promptopt.internal.."};

    static final String[] INTEGRATION_PACKAGES = {
        "dev.promptopt.gepa..", "dev.promptopt.fewshot..", "dev.promptopt.langchain4j..", "dev.promptopt.llama..",
        "dev.promptopt.springai..", "dev.promptopt.mlflow..", "dev.promptopt.s3..", "dev.promptopt.report.."
    };

    static final String[] APPLICATION_PACKAGES = {
        "dev.promptopt.managed..", "dev.promptopt.cli..", "dev.promptopt.junit..", "dev.promptopt.examples..",
        "dev.promptopt.benchmarks.."
    };

    /** Module roots other than the API's, each with its own {@code internal} package. */
    static final List<String> ROOTS = List.of(
            "dev.promptopt.core", "dev.promptopt.gepa", "dev.promptopt.fewshot", "dev.promptopt.langchain4j",
            "dev.promptopt.llama", "dev.promptopt.springai", "dev.promptopt.mlflow", "dev.promptopt.s3", "dev.promptopt.report",
            "dev.promptopt.managed", "dev.promptopt.cli", "dev.promptopt.junit", "dev.promptopt.examples",
            "dev.promptopt.benchmarks");

    static final List<String> ALL = List.of(
            "api", "core", "gepa", "fewshot", "langchain4j", "llama", "springai", "mlflow", "s3", "report", "managed", "cli",
            "junit", "examples", "benchmarks");

    private Modules() {
    }

    /** The module a class belongs to, by its package. */
    static String of(JavaClass c) {
        String p = c.getPackageName();
        if (p.equals("dev.promptopt") || p.startsWith("dev.promptopt.spi") || p.startsWith("dev.promptopt.internal")) {
            return "api";
        }
        if (!p.startsWith("dev.promptopt.")) {
            return UNKNOWN;
        }
        String rest = p.substring("dev.promptopt.".length());
        int dot = rest.indexOf('.');
        String first = dot < 0 ? rest : rest.substring(0, dot);
        return ALL.contains(first) ? first : UNKNOWN;
    }

    /** Each integration module as one slice (a langchain4j provider module sits in the langchain4j slice). */
    static SliceAssignment integrationSlices() {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String m = of(c);
                return List.of("gepa", "fewshot", "langchain4j", "llama", "springai", "mlflow", "s3", "report").contains(m)
                        ? SliceIdentifier.of(m)
                        : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "integration modules";
            }
        };
    }
}
