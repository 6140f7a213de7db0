package io.realtime.gateway.arquillian;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The archive an in-server test deploys: the WAR the build made (the application as it ships, its
 * libraries included), plus the test's own classes. Each test class names its archive, so its
 * context root is its own and a redeploy never races the previous undeploy.
 */
public final class GatewayDeployment {

    private GatewayDeployment() {
    }

    public static WebArchive of(String name, Class<?>... testClasses) {
        File war = new File(System.getProperty("gateway.war", "target/realtime-gateway.war"));
        if (!war.isFile()) {
            throw new IllegalStateException("No WAR at " + war + ": the in-server tests run after mvn package");
        }
        return ShrinkWrap.create(ZipImporter.class, name + ".war").importFrom(war).as(WebArchive.class)
                .addClasses(testClasses);
    }
}
