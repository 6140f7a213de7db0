package io.realtime.gateway.channel;

import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventDraft;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The product streams' derivers, by namespace and type; drafts of no deriver pass as they are. */
public final class Derivations {

    /** No product stream: what the core's unit tests and tools use. */
    public static final Derivations NONE = new Derivations(List.of());

    private static final Logger LOG = Logger.getLogger(Derivations.class.getName());

    private final Map<String, EventDeriver> byKey = new HashMap<>();

    public Derivations(Iterable<? extends EventDeriver> derivers) {
        for (EventDeriver deriver : derivers) {
            for (String type : deriver.types()) {
                EventDeriver before = byKey.put(key(deriver.namespace(), type), deriver);
                if (before != null) {
                    throw new IllegalStateException("two derivers of " + deriver.namespace() + " " + type);
                }
            }
        }
    }

    /** Each draft derived in order; all are checked before any is derived, so a refusal moves no state. */
    List<EventDraft> derive(List<EventDraft> drafts) {
        if (byKey.isEmpty()) {
            return drafts;
        }
        EventDeriver.Derivation[] checked = new EventDeriver.Derivation[drafts.size()];
        for (int i = 0; i < checked.length; i++) {
            EventDeriver deriver = deriverOf(drafts.get(i));
            checked[i] = deriver == null ? null : deriver.check(drafts.get(i));
        }
        List<EventDraft> derived = new ArrayList<>(drafts.size());
        for (int i = 0; i < checked.length; i++) {
            derived.add(checked[i] == null ? drafts.get(i) : checked[i].derive());
        }
        return derived;
    }

    /** After-publish work for each event this publish really added (an idempotent retry added nothing). */
    void published(PublishOutcome publication, List<EventDraft> derived) {
        if (byKey.isEmpty()) {
            return;
        }
        List<ChannelEvent> events = publication.events();
        for (int i = 0; i < events.size(); i++) {
            EventDeriver deriver = deriverOf(derived.get(i));
            if (deriver != null && !publication.duplicate(i)) {
                try {
                    deriver.published(events.get(i), derived.get(i));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "after-publish work of " + events.get(i) + " failed", e);
                }
            }
        }
    }

    private EventDeriver deriverOf(EventDraft draft) {
        return byKey.get(key(draft.channel().namespace(), draft.type()));
    }

    private static String key(String namespace, String type) {
        return namespace + ' ' + type;
    }
}
