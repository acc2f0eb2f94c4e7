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
import dev.promptopt.Secrets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * langchain4j's JDK HTTP client, except that a non-2xx answer keeps its {@code Retry-After} header
 * ({@link HttpStatusException}), which the stock client drops and which {@code ResilientModel} honours, and that
 * a base URL with user info ({@code http://user:password@host}, a server behind a proxy with basic
 * authentication) is sent as an {@code Authorization: Basic} header, the URL without it: the JDK client would
 * otherwise drop the credentials without a word. Streaming and multipart requests go to the stock client, with the
 * same header.
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
        request = withUserInfoAsHeader(request);
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
        streaming.execute(withUserInfoAsHeader(request), parser, listener);
    }

    /**
     * The request with the URL's user info moved to an {@code Authorization: Basic} header; the request itself
     * when its URL has none.
     *
     * @throws IllegalArgumentException when the request already has an {@code Authorization} header (the
     *                                  provider's API key): a request carries one, and dropping either would
     *                                  be silent
     */
    static HttpRequest withUserInfoAsHeader(HttpRequest request) {
        URI uri;
        try {
            uri = URI.create(request.url());
        } catch (IllegalArgumentException e) {
            return request; // the JDK client reports the bad URL
        }
        String rawUserInfo = uri.getRawUserInfo();
        if (rawUserInfo == null) {
            return request;
        }
        String scheme = uri.getScheme();
        String stripped = request.url().replaceFirst(
                java.util.regex.Pattern.quote(scheme + "://" + rawUserInfo + "@"),
                java.util.regex.Matcher.quoteReplacement(scheme + "://"));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            if (!"authorization".equalsIgnoreCase(h.getKey())) {
                headers.put(h.getKey(), h.getValue());
            } else if (!List.of("Bearer " + dev.promptopt.langchain4j.HostedModelBuilder.NO_KEY).equals(h.getValue())) {
                throw new IllegalArgumentException("the URL " + stripped + " was given with user info (user:password@)"
                        + " and the provider also sends an API key as the Authorization header; a request carries one:"
                        + " drop the user info or the API key");
            }
        }
        String credentials = Base64.getEncoder().encodeToString(uri.getUserInfo().getBytes(StandardCharsets.UTF_8));
        Secrets.register(credentials); // the header's value is as secret as the password
        headers.put("Authorization", List.of("Basic " + credentials));
        return HttpRequest.builder().method(request.method()).url(stripped).headers(headers).body(request.body())
                .formDataFields(request.formDataFields()).formDataFiles(request.formDataFiles()).build();
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
