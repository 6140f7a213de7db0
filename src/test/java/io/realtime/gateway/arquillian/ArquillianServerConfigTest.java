package io.realtime.gateway.arquillian;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

/**
 * The in-server tests run on a server of their own, whose config is apart from the production one so that
 * the test-only JMX connector never ships. This keeps its feature list from drifting: the gateway's
 * features, plus the connector, nothing else.
 */
class ArquillianServerConfigTest {

    @Test
    void testServerHasTheProductionFeaturesPlusTheLocalConnector() throws Exception {
        Set<String> production = features(Path.of("src/main/liberty/config/server.xml"));
        Set<String> test = features(Path.of("src/test/liberty/config/server.xml"));
        Set<String> expected = new TreeSet<>(production);
        expected.add("localConnector-1.0");
        assertEquals(expected, test);
    }

    private static Set<String> features(Path serverXml) throws Exception {
        NodeList nodes = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(serverXml.toFile())
                .getElementsByTagName("feature");
        Set<String> features = new TreeSet<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            features.add(nodes.item(i).getTextContent().trim());
        }
        return features;
    }
}
