package io.realtime.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The container image runs the Liberty release the build tests: the Dockerfile's base image is
 * pinned to {@code openliberty.version} of pom.xml, which is also the runtime the build downloads
 * and every test runs on. Change one without the other and this fails (README, Operations, says how
 * to move both).
 */
class DockerImageVersionTest {

    @Test
    void theBaseImageIsTheLibertyReleaseTheBuildTests() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        String tested = text((Element) pom.getDocumentElement().getElementsByTagName("properties").item(0),
                "openliberty.version");
        assertTrue(tested.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"), "a Liberty release, not a range: " + tested);
        assertEquals("${openliberty.version}", runtimeArtifactVersion(pom),
                "the runtime the build downloads (and tests on) is openliberty.version");

        List<String> dockerfile = Files.readAllLines(Path.of("Dockerfile"));
        String arg = dockerfile.stream().filter(l -> l.startsWith("ARG LIBERTY_VERSION=")).findFirst()
                .orElseThrow(() -> new AssertionError("the Dockerfile has ARG LIBERTY_VERSION=<release>"));
        assertEquals(tested, arg.substring("ARG LIBERTY_VERSION=".length()).trim(),
                "Dockerfile LIBERTY_VERSION and pom.xml openliberty.version: move both together");

        List<String> from = dockerfile.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(1, from.size(), "one base image: " + from);
        Matcher image = Pattern.compile("FROM (\\S+):\\$\\{LIBERTY_VERSION}-(\\S+)").matcher(from.get(0));
        assertTrue(image.matches(), "the base image's tag starts with the pinned release: " + from.get(0));
        assertTrue(image.group(2).startsWith("kernel-slim-java17-"),
                "the kernel image (features.sh installs server.xml's) on Java 17, as the build: " + image.group(2));
        int argAt = dockerfile.indexOf(arg);
        assertTrue(argAt < dockerfile.indexOf(from.get(0)), "the ARG comes before FROM, or FROM cannot use it");
    }

    private static String runtimeArtifactVersion(Document pom) {
        NodeList artifacts = pom.getElementsByTagName("runtimeArtifact");
        assertEquals(1, artifacts.getLength(), "one Liberty runtime in the build");
        return text((Element) artifacts.item(0), "version");
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        assertTrue(nodes.getLength() > 0, "<" + tag + "> in " + parent.getTagName());
        return nodes.item(0).getTextContent().trim();
    }
}
