package dev.promptopt.core.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.ChatMessage;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.core.io.JsonSupport;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of one version file. Aliases are not stored here: they live in aliases.json so that moving
 * an alias never rewrites a version.
 */
final class PromptVersionJson {
    private PromptVersionJson() {
    }

    static ObjectNode toJson(PromptVersion v) {
        ObjectNode root = JsonSupport.mapper().createObjectNode();
        root.put("name", v.name());
        root.put("version", v.version());
        ObjectNode template = root.putObject("template");
        if (v.template().isChat()) {
            template.put("type", "chat");
            ArrayNode messages = template.putArray("messages");
            for (ChatMessage m : v.template().messages()) {
                messages.addObject().put("role", m.role()).put("content", m.content());
            }
        } else {
            template.put("type", "text");
            template.put("template", v.template().text());
        }
        root.put("commitMessage", v.commitMessage());
        ObjectNode tags = root.putObject("tags");
        new java.util.TreeMap<>(v.tags()).forEach(tags::put);
        root.put("createdAt", v.createdAt().toString());
        return root;
    }

    /** Parses a version file; errors name the file and the field. */
    static PromptVersion fromJson(JsonNode root, Path file) {
        try {
            String name = text(root, "name", file);
            JsonNode versionNode = root.get("version");
            if (versionNode == null || !versionNode.canConvertToExactIntegral() || !versionNode.canConvertToInt()) {
                throw corrupt(file, "field 'version' must be a whole number, found " + versionNode);
            }
            JsonNode t = root.get("template");
            if (t == null || !t.isObject()) {
                throw corrupt(file, "field 'template' must be an object, found " + t);
            }
            String type = text(t, "type", file);
            PromptTemplate template = switch (type) {
                case "text" -> PromptTemplate.text(text(t, "template", file));
                case "chat" -> PromptTemplate.chat(messages(t, file));
                default -> throw corrupt(file, "field 'template.type' must be 'text' or 'chat', found '" + type + "'");
            };
            JsonNode commit = root.get("commitMessage");
            Map<String, String> tags = new LinkedHashMap<>();
            JsonNode tagsNode = root.get("tags");
            if (tagsNode != null && tagsNode.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = tagsNode.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    tags.put(e.getKey(), e.getValue().asText());
                }
            }
            Instant createdAt = Instant.parse(text(root, "createdAt", file));
            return new PromptVersion(name, versionNode.intValue(), template,
                    commit == null || commit.isNull() ? "" : commit.asText(), tags, Set.of(), createdAt);
        } catch (DateTimeParseException e) {
            throw corrupt(file, "field 'createdAt' is not an ISO-8601 instant: " + e.getMessage());
        } catch (PromptOptimizerException e) {
            if (e.getMessage().startsWith("corrupt prompt version file")) {
                throw e;
            }
            throw corrupt(file, e.getMessage());
        }
    }

    private static List<ChatMessage> messages(JsonNode template, Path file) {
        JsonNode messages = template.get("messages");
        if (messages == null || !messages.isArray()) {
            throw corrupt(file, "field 'template.messages' must be an array, found " + messages);
        }
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : messages) {
            out.add(new ChatMessage(text(m, "role", file), text(m, "content", file)));
        }
        return out;
    }

    private static String text(JsonNode node, String field, Path file) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw corrupt(file, "field '" + field + "' must be a string, found " + value);
        }
        return value.asText();
    }

    static PromptOptimizerException corrupt(Path file, String detail) {
        return new PromptOptimizerException("corrupt prompt version file " + file.toAbsolutePath() + ": " + detail);
    }
}
