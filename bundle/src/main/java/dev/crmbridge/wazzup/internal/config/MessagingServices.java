package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.message.Channels;
import dev.crmbridge.wazzup.api.message.MessageState;
import dev.crmbridge.wazzup.api.message.Messages;
import dev.crmbridge.wazzup.api.message.OutgoingMessage;
import dev.crmbridge.wazzup.api.message.Templates;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The published {@link Messages}, {@link Channels} and {@link Templates}: one object for the component's
 * life, answering with the configuration's runtime of the moment (a configuration change replaces it; the
 * queue is in the store and outlives it).
 */
final class MessagingServices implements Messages {

    private final Supplier<ConnectorRuntime> runtime;

    MessagingServices(Supplier<ConnectorRuntime> runtime) {
        this.runtime = runtime;
    }

    private ConnectorRuntime now() {
        ConnectorRuntime r = runtime.get();
        if (r == null) {
            throw new IllegalStateException("the Wazzup connector is not running");
        }
        return r;
    }

    @Override
    public String send(OutgoingMessage message) {
        return now().messages().send(message);
    }

    @Override
    public Optional<MessageState> state(String id) {
        return now().messages().state(id);
    }

    @Override
    public List<MessageState> recent(int limit) {
        return now().messages().recent(limit);
    }

    @Override
    public CompletionStage<Void> edit(String id, String text, String crmUserId) {
        return now().messages().edit(id, text, crmUserId);
    }

    @Override
    public CompletionStage<Void> delete(String id) {
        return now().messages().delete(id);
    }

    /** {@link Channels} of the runtime of the moment. */
    Channels channels() {
        return () -> now().channels().list();
    }

    /** {@link Templates} of the runtime of the moment. */
    Templates templates() {
        return () -> now().templates().list();
    }
}
