package dev.promptopt.langchain4j.internal;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import dev.promptopt.HttpRetryRules;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * langchain4j's JDK HTTP client, except that a non-2xx answer keeps its {@code Retry-After} header
 * ({@link HttpStatusException}), which the stock client drops and which {@code ResilientModel} honours.
 * Streaming and multipart requests go to the stock client.
 */
public final class RetryAfterHttpClient implements HttpClient {
    private final java.net.http.HttpClient http;
    private final Duration readTimeout;
    private final JdkHttpClient streaming;

    private RetryAfterHttpClient(Builder b) {
        java.net.http.HttpClient.Builder hb = java.net.http.HttpClient.newBuilder();
        if (b.connectTimeout != null) {
            hb.connectTimeout(b.connectTimeout);
        }
        this.http = hb.build();
        this.readTimeout = b.readTimeout;
        this.streaming = JdkHttpClient.builder().connectTimeout(b.connectTimeout).readTimeout(b.readTimeout).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) throws HttpException {
        if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
            return streaming.execute(request);
        }
        java.net.http.HttpRequest.Builder rb = java.net.http.HttpRequest.newBuilder().uri(URI.create(request.url()));
        request.headers().forEach((name, values) -> {
            if (values != null) {
                values.forEach(v -> rb.header(name, v));
            }
        });
        rb.method(request.method().name(), request.body() == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
        if (readTimeout != null) {
            rb.timeout(readTimeout);
        }
        try {
            java.net.http.HttpResponse<byte[]> response = http.send(rb.build(), BodyHandlers.ofByteArray());
            int status = response.statusCode();
            if (status < 200 || status >= 300) {
                Duration retryAfter = HttpRetryRules.retryAfter(response.headers().firstValue("Retry-After").orElse(null))
                        .orElse(null);
                throw new HttpStatusException(status, new String(response.body(), StandardCharsets.UTF_8), retryAfter);
            }
            return SuccessfulHttpResponse.builder().statusCode(status).headers(response.headers().map())
                    .body(new String(response.body(), StandardCharsets.UTF_8)).build();
        } catch (HttpTimeoutException e) {
            throw new TimeoutException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        streaming.execute(request, parser, listener);
    }

    /** The builder langchain4j model builders accept through {@code httpClientBuilder(...)}. */
    public static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout;
        private Duration readTimeout;

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        @Override
        public HttpClient build() {
            return new RetryAfterHttpClient(this);
        }
    }
}
