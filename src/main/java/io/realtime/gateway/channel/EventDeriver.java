package io.realtime.gateway.channel;

import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventDraft;
import java.util.Set;

/**
 * A product stream's part in publishing (DESIGN §10: workers send the inputs; the gateway derives
 * the rest before it assigns the id and stores the event). The core hands it every draft of its
 * namespace and types, whichever way the draft came in (HTTP, WebSocket), so the derived fields
 * cannot depend on the transport. A CDI bean; the core finds every one at start-up.
 */
public interface EventDeriver {

    /** The namespace whose events this deriver sees ({@code job}). */
    String namespace();

    /** The event types it derives ({@code job_progress}); others of the namespace pass untouched. */
    Set<String> types();

    /**
     * Checks {@code draft}'s inputs and readies its derivation, reading and moving no state. The core
     * checks every draft of a publish before it derives any, so a batch refused for one bad item leaves
     * every stream as it was (a campaign's previous figures, a job's recent frames), and sending it
     * again, mended, derives as if the refused one had never come.
     *
     * @throws io.realtime.gateway.event.InvalidInputException when the input is not what DESIGN §10 says
     */
    Derivation check(EventDraft draft);

    /** A checked draft's derivation. */
    @FunctionalInterface
    interface Derivation {

        /**
         * The draft to publish in place of the checked one, its derived fields added; run once, when
         * its publish goes ahead. The place to read and move the stream's state.
         */
        EventDraft derive();
    }

    /**
     * Called once the derived event is in history, once per event, on the instance that accepted it:
     * the place for work that must happen once per update in a cluster (alert evaluation). Runs on
     * the publisher's thread; a failure here is logged and does not undo the publish.
     */
    default void published(ChannelEvent event, EventDraft derived) {
    }
}
