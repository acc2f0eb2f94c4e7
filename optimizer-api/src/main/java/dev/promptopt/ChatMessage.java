package dev.promptopt;

import java.util.Objects;

/**
 * One message of a chat: a role ({@code system}, {@code user}, {@code assistant}) and its content.
 *
 * <pre>{@code
 * List<ChatMessage> messages = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"));
 * }</pre>
 */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (role.isBlank()) {
            throw new InvalidInputException("chat message role must not be blank");
        }
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
