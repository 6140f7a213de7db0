package floor;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * The least a publish can cost on this runtime: the gateway's single-event route and answer (202 and
 * a small JSON body), with the body read (bounded, as the gateway reads it) and nothing else done.
 * The bench (bench/floor/run.js) runs it on Liberty with a growing list of features.
 */
@Path("/")
public class FloorResource {

    /** A fixed answer of the gateway's shape: the floor keeps no state. */
    private static final String ANSWER = "{\"id\":\"1795615943231-0\",\"delivery\":\"local\"}";
    private static final int MAX_BODY = 65536;

    @POST
    @Path("channels/{channel}/events")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response publish(@PathParam("channel") String channel, InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            return Response.status(413).build();
        }
        return Response.accepted(ANSWER).build();
    }
}
