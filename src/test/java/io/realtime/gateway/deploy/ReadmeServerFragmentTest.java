package io.realtime.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The server.xml fragment the README gives for running the WAR on an existing Liberty: well-formed,
 * with the features the gateway's own server.xml has, the WAR at context root /, metrics open, and the
 * same runtime monitors (per-request ones off).
 */
class ReadmeServerFragmentTest {

    @Test
    void readmeFragmentNamesTheGatewaysFeatures() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("\\*\\*On an existing Liberty\\*\\*.*?```xml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "the README has the fragment");
        Document fragment = parse("<server>" + m.group(1) + "</server>");
        Document production = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("src/main/liberty/config/server.xml").toFile());
        assertEquals(features(production), features(fragment));
        assertEquals("/", fragment.getElementsByTagName("webApplication").item(0).getAttributes()
                .getNamedItem("contextRoot").getNodeValue());
        assertEquals("false", fragment.getElementsByTagName("mpMetrics").item(0).getAttributes()
                .getNamedItem("authentication").getNodeValue());
        assertEquals(monitorFilter(production), monitorFilter(fragment), "the same runtime monitors");
    }

    private static String monitorFilter(Document doc) {
        return doc.getElementsByTagName("monitor").item(0).getAttributes().getNamedItem("filter").getNodeValue();
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    private static Set<String> features(Document doc) {
        NodeList nodes = doc.getElementsByTagName("feature");
        Set<String> features = new TreeSet<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            features.add(nodes.item(i).getTextContent().trim());
        }
        return features;
    }
}
