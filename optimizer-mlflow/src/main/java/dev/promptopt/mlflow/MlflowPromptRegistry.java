package dev.promptopt.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.ChatMessage;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptNotFoundException;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptUri;
import dev.promptopt.PromptVersion;
import dev.promptopt.mlflow.internal.MlflowRest;
import dev.promptopt.mlflow.internal.PromptTags;
import dev.promptopt.mlflow.internal.PromptExperiments;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PromptRegistry} on an MLflow tracking server, storing prompts exactly as MLflow's Python client
 * does (a registered model per prompt, a model version per prompt version, marked by
 * {@code mlflow.prompt.*} tags), so {@code mlflow.genai.load_prompt("prompts:/name/1")} reads what this
 * registry writes and the other way round. Text and chat templates, commit messages (the version's
 * description), tags, aliases.
 *
 * <pre>{@code
 * PromptRegistry registry = new MlflowPromptRegistry(MlflowConnection.of("http://127.0.0.1:5000"));
 * PromptVersion v1 = registry.register("sentiment", "Classify: {{text}}");
 * registry.setAlias("sentiment", "production", v1.version());
 * PromptVersion prod = registry.load("prompts:/sentiment@production");
 * }</pre>
 *
 * <p>Thread-safe. Registrations of one name from this instance are serialized, so concurrent callers get
 * consecutive versions; other clients are serialized by the server.
 */
public final class MlflowPromptRegistry implements PromptRegistry {
    private static final Logger log = LoggerFactory.getLogger(MlflowPromptRegistry.class);
    private static final String API = "/api/2.0/mlflow/";
    private static final String IS_PROMPT_FILTER = "tags.`" + PromptTags.IS_PROMPT + "` = 'true'";

    private final MlflowRest rest;
    private final Map<String, Object> registerLocks = new ConcurrentHashMap<>();
    private final MlflowRunTracker experimentIds;
    private final String experiment;

    public MlflowPromptRegistry(MlflowConnection connection) {
        this(connection, null);
    }

    private MlflowPromptRegistry(MlflowConnection connection, String experiment) {
        this.rest = new MlflowRest(Objects.requireNonNull(connection, "connection"));
        this.experimentIds = new MlflowRunTracker(connection);
        this.experiment = experiment;
    }

    /**
     * This registry, with the prompts it registers listed in the experiment's Prompts tab (tag
     * {@code _mlflow_experiment_ids}, as Python's {@code register_prompt} sets for the active experiment). An
     * optimization tracked in MLflow lists its prompts in its experiment in any case.
     */
    public MlflowPromptRegistry inExperiment(String experiment) {
        if (experiment == null || experiment.isBlank()) {
            throw new InvalidInputException("experiment name must not be blank");
        }
        return new MlflowPromptRegistry(rest.connection(), experiment);
    }

    /** A registry on the server at {@code trackingUri}, without credentials. */
    public static MlflowPromptRegistry of(String trackingUri) {
        return new MlflowPromptRegistry(MlflowConnection.of(trackingUri));
    }

    private String where() {
        return "MLflow at " + rest.server();
    }

    @Override
    public PromptVersion register(String name, PromptTemplate template, String commitMessage, Map<String, String> tags) {
        PromptUri.requireValidName(name);
        Objects.requireNonNull(template, "template");
        String message = commitMessage == null ? "" : commitMessage;
        Map<String, String> userTags = tags == null ? Map.of() : tags;
        for (String key : userTags.keySet()) {
            if (PromptTags.isInternal(key)) {
                throw new InvalidInputException("prompt '" + name + "': tag '" + key + "' is reserved by MLflow");
            }
        }
        synchronized (registerLocks.computeIfAbsent(name, n -> new Object())) {
            ensurePrompt(name, message, userTags);
            ObjectNode body = MlflowRest.object().put("name", name).put("source", PromptTags.SOURCE)
                    .put("description", message);
            ArrayNode tagArray = body.putArray("tags");
            userTags.forEach((k, v) -> tagArray.addObject().put("key", k).put("value", v));
            tagArray.addObject().put("key", PromptTags.IS_PROMPT).put("value", "true");
            tagArray.addObject().put("key", PromptTags.TYPE).put("value", template.isChat() ? PromptTags.TYPE_CHAT : PromptTags.TYPE_TEXT);
            tagArray.addObject().put("key", PromptTags.TEXT).put("value", storedText(template));
            carriedFromSource(name, userTags).forEach((k, v) -> tagArray.addObject().put("key", k).put("value", v));
            JsonNode created = rest.post(API + "model-versions/create", body).path("model_version");
            PromptVersion version = toPromptVersion(name, created, Set.of());
            if (experiment != null) {
                PromptExperiments.link(rest, name, experimentIds.experimentId(experiment));
            }
            log.debug("registered {} in {}", version.uri(), where());
            return version;
        }
    }

    /**
     * What Python's {@code optimize_prompts} carries from the version it optimized to the one it registers: the
     * {@code model_config} and {@code response_format} of the version named by tag {@code promptopt.source}
     * (which the optimization sets), when that is a version of the same prompt.
     */
    private Map<String, String> carriedFromSource(String name, Map<String, String> userTags) {
        String source = userTags.get(PromptTags.OPTIMIZATION_SOURCE);
        if (source == null) {
            return Map.of();
        }
        PromptUri uri;
        try {
            uri = PromptUri.parse(source);
        } catch (InvalidInputException e) {
            return Map.of();
        }
        if (!uri.name().equals(name) || uri.version() == null) {
            return Map.of();
        }
        JsonNode mv = rest.get(API + "model-versions/get", MlflowRest.query("name", name, "version", uri.version()))
                .path("model_version");
        Map<String, String> carried = new LinkedHashMap<>();
        tags(mv).forEach((k, v) -> {
            if (k.equals(PromptTags.MODEL_CONFIG) || k.equals(PromptTags.RESPONSE_FORMAT)) {
                carried.put(k, v);
            }
        });
        return carried;
    }

    /** Creates the registered model when missing (as Python's register_prompt does), else updates its tags. */
    private void ensurePrompt(String name, String description, Map<String, String> userTags) {
        JsonNode model = findModel(name);
        if (model == null) {
            ObjectNode body = MlflowRest.object().put("name", name).put("description", description);
            ArrayNode tagArray = body.putArray("tags");
            tagArray.addObject().put("key", PromptTags.IS_PROMPT).put("value", "true");
            userTags.forEach((k, v) -> tagArray.addObject().put("key", k).put("value", v));
            try {
                rest.post(API + "registered-models/create", body);
                return;
            } catch (MlflowException e) {
                if (!e.errorCode().equals("RESOURCE_ALREADY_EXISTS")) {
                    throw e;
                }
                model = findModel(name); // another client created it in between
            }
        }
        if (model == null || !isPrompt(model)) {
            throw new InvalidInputException("cannot register prompt '" + name + "' in " + where()
                    + ": a registered model (not a prompt) already has that name; choose another name");
        }
        for (Map.Entry<String, String> tag : userTags.entrySet()) {
            rest.post(API + "registered-models/set-tag", MlflowRest.object().put("name", name)
                    .put("key", tag.getKey()).put("value", tag.getValue()));
        }
    }

    @Override
    public PromptVersion load(PromptUri uri) {
        Objects.requireNonNull(uri, "uri");
        java.util.Optional<PromptVersion> candidate = dev.promptopt.core.CandidatePrompts.lookup(uri); // during an evaluation
        if (candidate.isPresent()) {
            return candidate.get();
        }
        PromptVersion v = loadStored(uri);
        refuseJinja(v);
        return v;
    }

    /**
     * MLflow renders a template with {@code {% ... %}} blocks through Jinja2 (conditionals, loops); this library
     * renders {@code {{var}}} placeholders only, so such a template is refused rather than formatted literally.
     */
    private void refuseJinja(PromptVersion v) {
        List<String> texts = v.template().isChat() ? v.template().messages().stream().map(ChatMessage::content).toList()
                : List.of(v.template().text());
        for (String t : texts) {
            int open = t.indexOf("{%");
            if (open >= 0 && t.indexOf("%}", open) > 0) {
                int line = (int) t.substring(0, open).chars().filter(c -> c == '\n').count() + 1;
                String block = t.substring(open, Math.min(t.length(), t.indexOf("%}", open) + 2));
                throw new InvalidInputException("prompt '" + v.name() + "' version " + v.version() + " in " + where()
                        + " is a Jinja2 template (block '" + block + "' on line " + line + " of the template), which this"
                        + " library cannot render: it renders {{variable}} placeholders only. Register a version without"
                        + " {% ... %} blocks to optimize or render it from Java");
            }
        }
    }

    private PromptVersion loadStored(PromptUri uri) {
        String name = uri.name();
        if (uri.version() != null) {
            JsonNode mv;
            try {
                mv = rest.get(API + "model-versions/get", MlflowRest.query("name", name, "version", uri.version()))
                        .path("model_version");
            } catch (MlflowException e) {
                if (!notFound(e)) {
                    throw e;
                }
                requirePrompt(name); // a missing prompt is reported as such, before its versions
                throw noVersion(name, uri.version(), versionNumbers(name));
            }
            JsonNode model = requirePrompt(name);
            return toPromptVersion(name, mv, aliasesOf(model, uri.version()));
        }
        if (uri.alias() != null) {
            JsonNode model = requirePrompt(name);
            Map<String, Integer> aliases = aliases(model);
            Integer version = aliases.get(uri.alias());
            if (version == null) {
                if (uri.alias().equalsIgnoreCase("latest")) { // MLflow reserves "latest" for the highest version
                    return latestOrThrow(name, model);
                }
                throw new PromptNotFoundException("prompt '" + name + "' has no alias '" + uri.alias() + "' ("
                        + (aliases.isEmpty() ? "no aliases" : "aliases: " + aliases.entrySet().stream()
                        .map(e -> e.getKey() + " -> " + e.getValue()).collect(Collectors.joining(", ")))
                        + ") in " + where());
            }
            return load(PromptUri.of(name, version));
        }
        return latestOrThrow(name, requirePrompt(name));
    }

    private PromptVersion latestOrThrow(String name, JsonNode model) {
        List<PromptVersion> all = versions(name, model);
        if (all.isEmpty()) {
            throw new PromptNotFoundException("no prompt '" + name + "' in " + where() + " (it has no versions)");
        }
        return all.get(all.size() - 1);
    }

    @Override
    public List<PromptVersion> versions(String name) {
        PromptUri.requireValidName(name);
        JsonNode model = findModel(name);
        if (model == null || !isPrompt(model)) {
            return List.of();
        }
        return versions(name, model);
    }

    private List<PromptVersion> versions(String name, JsonNode model) {
        Map<String, Integer> aliases = aliases(model);
        List<PromptVersion> out = new ArrayList<>();
        for (JsonNode mv : searchVersions(name)) {
            int v = Integer.parseInt(mv.path("version").asText());
            Set<String> mine = aliases.entrySet().stream().filter(e -> e.getValue() == v).map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            out.add(toPromptVersion(name, mv, mine));
        }
        out.sort(Comparator.comparingInt(PromptVersion::version));
        return List.copyOf(out);
    }

    private List<JsonNode> searchVersions(String name) {
        // Without the is_prompt clause the server hides prompt versions from model-version search.
        String filter = "name='" + name + "' AND tag.`" + PromptTags.IS_PROMPT + "` = 'true'";
        List<JsonNode> all = new ArrayList<>();
        String token = null;
        do {
            JsonNode page = rest.get(API + "model-versions/search", MlflowRest.query("filter", filter,
                    "max_results", 10000, "page_token", token));
            page.path("model_versions").forEach(all::add);
            token = page.path("next_page_token").asText(null);
        } while (token != null && !token.isEmpty());
        return all;
    }

    private List<Integer> versionNumbers(String name) {
        return searchVersions(name).stream().map(mv -> Integer.parseInt(mv.path("version").asText())).sorted().toList();
    }

    @Override
    public void setAlias(String name, String alias, int version) {
        PromptUri.ofAlias(name, alias); // validates name and alias
        requirePrompt(name);
        try {
            rest.get(API + "model-versions/get", MlflowRest.query("name", name, "version", version));
        } catch (MlflowException e) {
            if (notFound(e)) {
                throw noVersion(name, version, versionNumbers(name));
            }
            throw e;
        }
        rest.post(API + "registered-models/alias", MlflowRest.object().put("name", name).put("alias", alias)
                .put("version", String.valueOf(version)));
    }

    @Override
    public void deleteAlias(String name, String alias) {
        PromptUri.ofAlias(name, alias);
        JsonNode model = findModel(name);
        if (model == null || !aliases(model).containsKey(alias)) {
            return;
        }
        try {
            rest.delete(API + "registered-models/alias", MlflowRest.object().put("name", name).put("alias", alias));
        } catch (MlflowException e) {
            if (!notFound(e)) {
                throw e;
            }
        }
    }

    @Override
    public List<String> search(String nameContains) {
        String needle = nameContains == null ? "" : nameContains.toLowerCase(Locale.ROOT);
        Set<String> names = new TreeSet<>();
        String token = null;
        do {
            JsonNode page = rest.get(API + "registered-models/search", MlflowRest.query("filter", IS_PROMPT_FILTER,
                    "max_results", 1000, "page_token", token));
            for (JsonNode m : page.path("registered_models")) {
                String n = m.path("name").asText();
                if (n.toLowerCase(Locale.ROOT).contains(needle)) {
                    names.add(n);
                }
            }
            token = page.path("next_page_token").asText(null);
        } while (token != null && !token.isEmpty());
        return List.copyOf(names);
    }

    @Override
    public String toString() {
        return "MlflowPromptRegistry[" + rest.server() + "]";
    }

    // --- helpers ---

    private JsonNode findModel(String name) {
        try {
            return rest.get(API + "registered-models/get", MlflowRest.query("name", name)).path("registered_model");
        } catch (MlflowException e) {
            if (notFound(e)) {
                return null;
            }
            throw e;
        }
    }

    private JsonNode requirePrompt(String name) {
        JsonNode model = findModel(name);
        if (model == null) {
            throw new PromptNotFoundException("no prompt '" + name + "' in " + where());
        }
        if (!isPrompt(model)) {
            throw new PromptNotFoundException("no prompt '" + name + "' in " + where()
                    + ": that name is a registered model, not a prompt");
        }
        return model;
    }

    private static boolean notFound(MlflowException e) {
        return e.errorCode().equals("RESOURCE_DOES_NOT_EXIST"); // a 404 without it is not MLflow (MlflowRest says so)
    }

    private static boolean isPrompt(JsonNode model) {
        return "true".equals(tags(model).get(PromptTags.IS_PROMPT));
    }

    private PromptNotFoundException noVersion(String name, int version, List<Integer> versions) {
        return new PromptNotFoundException("prompt '" + name + "' has no version " + version + " ("
                + describeVersions(versions) + ") in " + where());
    }

    static String describeVersions(List<Integer> versions) {
        return dev.promptopt.spi.VersionText.describe(versions);
    }

    private static Map<String, Integer> aliases(JsonNode model) {
        Map<String, Integer> out = new TreeMap<>();
        for (JsonNode a : model.path("aliases")) {
            out.put(a.path("alias").asText(), Integer.parseInt(a.path("version").asText()));
        }
        return out;
    }

    private static Set<String> aliasesOf(JsonNode model, int version) {
        Set<String> out = new HashSet<>();
        aliases(model).forEach((a, v) -> {
            if (v == version) {
                out.add(a);
            }
        });
        return out;
    }

    static Map<String, String> tags(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode t : node.path("tags")) {
            out.put(t.path("key").asText(), t.path("value").asText());
        }
        return out;
    }

    private static String storedText(PromptTemplate template) {
        if (!template.isChat()) {
            return template.text();
        }
        ArrayNode messages = MlflowRest.mapper().createArrayNode();
        for (ChatMessage m : template.messages()) {
            messages.addObject().put("role", m.role()).put("content", m.content());
        }
        return messages.toString();
    }

    private PromptVersion toPromptVersion(String name, JsonNode mv, Set<String> aliases) {
        Map<String, String> all = tags(mv);
        int version = Integer.parseInt(mv.path("version").asText());
        String text = all.get(PromptTags.TEXT);
        if (!"true".equals(all.get(PromptTags.IS_PROMPT)) || text == null) {
            throw new PromptNotFoundException("prompt '" + name + "' version " + version + " in " + where()
                    + " is not a prompt version (tags " + PromptTags.IS_PROMPT + " and " + PromptTags.TEXT + " are missing)");
        }
        PromptTemplate template = PromptTags.TYPE_CHAT.equals(all.get(PromptTags.TYPE)) ? parseChat(name, version, text)
                : PromptTemplate.text(text);
        Map<String, String> userTags = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (!PromptTags.isInternal(k)) {
                userTags.put(k, v);
            }
        });
        Set<String> versionAliases = new HashSet<>(aliases);
        mv.path("aliases").forEach(a -> versionAliases.add(a.asText()));
        return new PromptVersion(name, version, template, mv.path("description").asText(""), userTags, versionAliases,
                Instant.ofEpochMilli(mv.path("creation_timestamp").asLong(0)));
    }

    private PromptTemplate parseChat(String name, int version, String text) {
        try {
            JsonNode array = MlflowRest.mapper().readTree(text);
            List<ChatMessage> messages = new ArrayList<>();
            for (JsonNode m : array) {
                JsonNode content = m.path("content");
                messages.add(new ChatMessage(m.path("role").asText(), content.isTextual() ? content.asText() : content.toString()));
            }
            return PromptTemplate.chat(messages);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new InvalidInputException("prompt '" + name + "' version " + version + " in " + where()
                    + ": chat template in tag " + PromptTags.TEXT + " is not a JSON list of {role, content}: " + e.getMessage(), e);
        }
    }
}
