/*
 * Recomputes a Stampede draw from what the sale publishes, so that anyone can check it without trusting the service
 * (docs/fair-drops.md, "How the draw is made, so anyone can recompute it"). Any JDK 17 or newer, nothing to build:
 *
 *   java tools/VerifyDraw.java [--entries FILE] [--show N] <baseUrl> <saleId>
 *
 * It reads GET {baseUrl}/api/sales/{saleId}/draw and the entry list (GET .../draw/entries, or FILE: a list saved
 * earlier), and checks
 *   - seedHash:     SHA-256 of the 32 seed bytes is the seedHash published before anyone entered;
 *   - entriesHash:  SHA-256 of the entry list's bytes is the entriesHash published when entries closed;
 *   - entry list:   every line is a user id followed by \n, sorted by their bytes, none twice;
 *   - entries:      the list has as many lines as the draw says it had entries;
 *   - winners:      the published winners are, rank by rank, the head of the draw order recomputed here: every
 *                   entrant sorted by the lowercase hex HMAC-SHA256 of their user id keyed with the seed (ascending,
 *                   equal values by user id), and they cover the units (the stock) as far as there are entrants.
 * It prints each check as PASS or FAIL and the first --show (10) ranks of the order.
 * Exit status: 0 every check passed, 1 a check failed, 2 usage error or the draw could not be read.
 */

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class VerifyDraw {

    static final int PASS = 0;
    static final int FAIL = 1;
    static final int UNUSABLE = 2;

    /** The service's rule for user ids (ShopperTokens.USER_ID). */
    static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.@:-]{1,64}");

    private static final Pattern SALE_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");
    private static final HexFormat HEX = HexFormat.of();

    static final String SYNOPSIS = "usage: java tools/VerifyDraw.java [--entries FILE] [--show N] <baseUrl> <saleId>";

    static final String USAGE = SYNOPSIS + "\n"
            + "  recomputes the draw of sale <saleId> from GET <baseUrl>/api/sales/<saleId>/draw and its entry list\n"
            + "  --entries FILE  check this saved entry list instead of downloading .../draw/entries\n"
            + "  --show N        print the first N ranks of the recomputed order (default 10, 0 for none)\n"
            + "  exit status: 0 every check passed, 1 a check failed, 2 usage error or the draw could not be read";

    /** The draw cannot be checked at all: bad arguments, an unreachable service, an answer that is not a draw. */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    /** One entrant of the recomputed order. */
    record Ranked(String userId, String hmac) {}

    private final PrintStream out;
    private int failures;
    private final List<String> failed = new ArrayList<>();

    private VerifyDraw(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.out);
        } catch (Unusable e) {
            System.out.flush();
            System.err.println("error: " + e.getMessage());
            status = UNUSABLE;
        } catch (InterruptedException e) {
            System.err.println("error: interrupted");
            status = UNUSABLE;
        } catch (RuntimeException | OutOfMemoryError e) {
            System.out.flush();
            System.err.println("error: " + e);
            status = UNUSABLE;
        }
        System.exit(status);
    }

    static int run(String[] args, PrintStream out) throws Unusable, InterruptedException {
        Path entriesFile = null;
        int show = 10;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return PASS;
                }
                case "--entries" -> {
                    if (value == null && i + 1 >= args.length) {
                        throw new Unusable("--entries needs a FILE; " + SYNOPSIS);
                    }
                    entriesFile = Path.of(value != null ? value : args[++i]);
                }
                case "--show" -> {
                    String raw = value != null ? value : i + 1 < args.length ? args[++i] : "";
                    try {
                        show = Integer.parseInt(raw);
                    } catch (NumberFormatException e) {
                        show = -1;
                    }
                    if (show < 0) {
                        throw new Unusable("--show needs a whole number of ranks, got '" + raw + "'; " + SYNOPSIS);
                    }
                }
                default -> {
                    if (arg.startsWith("--")) {
                        throw new Unusable("unknown option " + arg + "; " + SYNOPSIS);
                    }
                    positional.add(args[i]);
                }
            }
        }
        if (positional.size() != 2) {
            throw new Unusable("expected <baseUrl> <saleId>, got " + positional.size() + " argument(s); " + SYNOPSIS);
        }
        String base = baseUrl(positional.get(0));
        String saleId = positional.get(1);
        if (!SALE_ID.matcher(saleId).matches()) {
            throw new Unusable("'" + saleId + "' is no sale id");
        }

        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        String drawUrl = base + "/api/sales/" + saleId + "/draw";
        byte[] drawBody = get(client, drawUrl, "application/json");
        Object parsed;
        try {
            parsed = new Json(new String(drawBody, StandardCharsets.UTF_8)).document();
        } catch (IllegalArgumentException e) {
            throw new Unusable("GET " + drawUrl + " did not answer JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> draw)) {
            throw new Unusable("GET " + drawUrl + " did not answer a JSON object");
        }
        String state = string(draw, "state");
        if (!"DRAWN".equals(state)) {
            throw new Unusable("sale " + saleId + " is not drawn yet (state " + state
                    + "): the draw can be checked once entries closed and the seed is published");
        }
        byte[] entries;
        String entriesSource;
        if (entriesFile != null) {
            try {
                entries = Files.readAllBytes(entriesFile);
            } catch (NoSuchFileException e) {
                throw new Unusable("no file " + entriesFile);
            } catch (IOException e) {
                throw new Unusable("cannot read " + entriesFile + ": " + e.getMessage());
            }
            entriesSource = entriesFile.toString();
        } else {
            entriesSource = base + "/api/sales/" + saleId + "/draw/entries";
            entries = get(client, entriesSource, "text/plain");
        }
        return new VerifyDraw(out).verify(saleId, draw, entries, entriesSource, show);
    }

    private int verify(String saleId, Map<?, ?> draw, byte[] entryBytes, String entriesSource, int show) {
        Long entries = integer(draw, "entries");
        Long units = integer(draw, "units");
        out.printf(
                Locale.ROOT,
                "draw of sale %s: state DRAWN, %s entries, %s units, drawn at %s%n",
                saleId,
                entries,
                units,
                string(draw, "drawnAt"));
        out.printf(Locale.ROOT, "entry list: %,d bytes from %s%n", entryBytes.length, entriesSource);

        // 1. the seed is the one whose hash was published before anyone entered
        String seedHex = string(draw, "seed");
        String seedHash = string(draw, "seedHash");
        byte[] seed = null;
        if (seedHex == null || !HEX_64.matcher(seedHex).matches()) {
            check(false, "seedHash", "the seed is not published as 64 lowercase hex characters: " + seedHex);
        } else {
            seed = HEX.parseHex(seedHex);
            String actual = sha256(seed);
            check(
                    actual.equals(seedHash),
                    "seedHash",
                    actual.equals(seedHash)
                            ? "SHA-256 of the seed is the published seedHash " + actual
                            : "SHA-256 of the seed is " + actual + ", the published seedHash is " + seedHash);
        }

        // 2. the entry list is the one whose hash was published when entries closed
        String entriesHash = string(draw, "entriesHash");
        String listHash = sha256(entryBytes);
        check(
                listHash.equals(entriesHash),
                "entriesHash",
                listHash.equals(entriesHash)
                        ? "SHA-256 of the entry list is the published entriesHash " + listHash
                        : "SHA-256 of the entry list is " + listHash + ", the published entriesHash is "
                                + entriesHash);

        // 3. the list's form: user ids, one a line, sorted by their bytes, none twice
        List<String> ids = new ArrayList<>();
        String problem = lines(entryBytes, ids);
        check(
                problem == null,
                "entry list",
                problem == null
                        ? String.format(
                                Locale.ROOT, "%,d user ids, one a line, sorted by their bytes, none twice", ids.size())
                        : problem);
        check(
                entries != null && entries == ids.size(),
                "entries",
                String.format(
                        Locale.ROOT,
                        "the list has %,d lines, the draw says %s entries",
                        ids.size(),
                        entries == null ? "no number of" : String.format(Locale.ROOT, "%,d", entries)));

        // 4. the winners are the head of the order recomputed from the seed and the list
        List<Ranked> order = seed == null ? List.of() : order(seed, ids);
        if (seed == null) {
            check(false, "winners", "no order without the seed");
        } else {
            String winnersProblem = winners(draw.get("winners"), order);
            Object winners = draw.get("winners");
            int published = winners instanceof List<?> list ? list.size() : 0;
            check(
                    winnersProblem == null,
                    "winners",
                    winnersProblem == null
                            ? String.format(
                                    Locale.ROOT,
                                    "the %,d published winners are ranks 1..%,d of the recomputed order",
                                    published,
                                    published)
                            : winnersProblem);
            if (units != null && winnersProblem == null) {
                long due = Math.min(units, order.size());
                check(
                        published >= due,
                        "units",
                        String.format(
                                Locale.ROOT,
                                "%,d winners published for %,d units and %,d entrants (at least %,d due)",
                                published,
                                units,
                                order.size(),
                                due));
            }
        }

        if (show > 0 && !order.isEmpty()) {
            int n = Math.min(show, order.size());
            out.printf(Locale.ROOT, "draw order (first %,d of %,d):%n", n, order.size());
            out.printf(Locale.ROOT, "  %8s  %-24s %s%n", "rank", "userId", "HMAC-SHA256(seed, userId)");
            for (int i = 0; i < n; i++) {
                out.printf(Locale.ROOT, "  %8d  %-24s %s%n", i + 1, order.get(i).userId(), order.get(i).hmac());
            }
        }
        if (failures == 0) {
            out.println("RESULT: PASS, the draw is what its seed and its entry list make it");
            return PASS;
        }
        out.println("RESULT: FAIL (" + String.join(", ", failed) + ")");
        return FAIL;
    }

    private void check(boolean ok, String name, String detail) {
        out.printf(Locale.ROOT, "%s  %-12s %s%n", ok ? "PASS" : "FAIL", name, detail);
        if (!ok) {
            failures++;
            failed.add(name);
        }
    }

    /**
     * Splits the list into {@code ids} and returns its first flaw, or null: every line a user id ended by {@code \n},
     * in strictly ascending byte order (so none twice).
     */
    static String lines(byte[] bytes, List<String> ids) {
        String first = null;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i < bytes.length && bytes[i] != '\n') {
                continue;
            }
            if (i == bytes.length) {
                if (start < bytes.length && first == null) {
                    first = "the last line does not end with \\n";
                }
                if (start == bytes.length) {
                    break;
                }
            }
            String id = new String(bytes, start, i - start, StandardCharsets.ISO_8859_1);
            int line = ids.size() + 1;
            if (first == null && !USER_ID.matcher(id).matches()) {
                first = "line " + line + " is no user id: '" + printable(id) + "'"
                        + (id.endsWith("\r") ? " (a \\r\\n line end changes the hash)" : "");
            }
            if (first == null && !ids.isEmpty()) {
                String before = ids.get(ids.size() - 1);
                int c = before.compareTo(id);
                if (c == 0) {
                    first = "line " + line + " repeats " + id;
                } else if (c > 0) {
                    first = "line " + line + " (" + id + ") sorts before line " + (line - 1) + " (" + before + ")";
                }
            }
            ids.add(id);
            start = i + 1;
        }
        return first;
    }

    /** Every entrant sorted by the lowercase hex HMAC-SHA256 of their user id keyed with the seed, then by user id. */
    static List<Ranked> order(byte[] seed, List<String> ids) {
        Mac mac;
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(seed, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no HmacSHA256: " + e.getMessage());
        }
        Ranked[] ranked = new Ranked[ids.size()];
        for (int i = 0; i < ranked.length; i++) {
            String id = ids.get(i);
            ranked[i] = new Ranked(id, HEX.formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8))));
        }
        Arrays.sort(ranked, (a, b) -> {
            int c = a.hmac().compareTo(b.hmac());
            return c != 0 ? c : a.userId().compareTo(b.userId());
        });
        return List.of(ranked);
    }

    /** The first way the published winners differ from the head of {@code order}, or null. */
    static String winners(Object published, List<Ranked> order) {
        if (!(published instanceof List<?> winners)) {
            return "the draw publishes no winners array";
        }
        if (winners.size() > order.size()) {
            return winners.size() + " winners published for " + order.size() + " entrants";
        }
        for (int i = 0; i < winners.size(); i++) {
            if (!(winners.get(i) instanceof Map<?, ?> winner)) {
                return "winner #" + (i + 1) + " is not an object";
            }
            Long rank = integer(winner, "rank");
            String userId = string(winner, "userId");
            String expected = order.get(i).userId();
            if (rank == null || rank != i + 1) {
                return "winner #" + (i + 1) + " (" + userId + ") is published with rank " + rank + ", expected "
                        + (i + 1);
            }
            if (!expected.equals(userId)) {
                return "rank " + (i + 1) + " is published as " + userId + ", the recomputed order has " + expected;
            }
        }
        return null;
    }

    static String sha256(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no SHA-256: " + e.getMessage());
        }
    }

    private static String baseUrl(String raw) throws Unusable {
        String trimmed = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new Unusable("'" + raw + "' is no URL");
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null
                || uri.getQuery() != null
                || uri.getFragment() != null) {
            throw new Unusable("the base URL must be http(s)://host[:port][/path], got '" + raw + "'");
        }
        return trimmed;
    }

    private static byte[] get(HttpClient client, String url, String accept) throws Unusable, InterruptedException {
        HttpResponse<byte[]> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .header("Accept", accept + ", application/problem+json")
                    .timeout(Duration.ofSeconds(60))
                    .GET()
                    .build();
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            String message = e instanceof java.net.ConnectException && e.getMessage() == null
                    ? "connection refused"
                    : e.getMessage();
            throw new Unusable("cannot GET " + url + ": " + e.getClass().getSimpleName()
                    + (message == null || message.isBlank() ? "" : " (" + message.strip() + ")"));
        }
        if (response.statusCode() != 200) {
            String body = new String(response.body(), StandardCharsets.UTF_8);
            String code = null;
            try {
                if (new Json(body).document() instanceof Map<?, ?> problem) {
                    code = string(problem, "code");
                }
            } catch (IllegalArgumentException e) {
                // not a problem response: the status alone says it
            }
            throw new Unusable("GET " + url + " answered HTTP " + response.statusCode()
                    + (code == null ? "" : " " + code));
        }
        return response.body();
    }

    static String string(Map<?, ?> object, String name) {
        return object.get(name) instanceof String s ? s : null;
    }

    static Long integer(Map<?, ?> object, String name) {
        if (!(object.get(name) instanceof BigDecimal number)) {
            return null;
        }
        try {
            return number.longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : (s.length() > 80 ? s.substring(0, 80) + "…" : s).toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f || c == '…' ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }

    /**
     * A small strict JSON reader: objects become LinkedHashMaps, arrays Lists, numbers BigDecimals, strings, booleans
     * and null as themselves. Anything else (trailing text, bad escapes, control characters) is refused.
     */
    static final class Json {
        private final String text;
        private int at;
        private int depth;

        Json(String text) {
            this.text = text;
        }

        Object document() {
            Object value = value();
            space();
            if (at != text.length()) {
                throw error("text after the value");
            }
            return value;
        }

        private Object value() {
            space();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected '" + c + "'");
            }
        }

        private Map<String, Object> object() {
            enter();
            at++;
            Map<String, Object> map = new LinkedHashMap<>();
            space();
            if (peek('}')) {
                at++;
                depth--;
                return map;
            }
            while (true) {
                space();
                if (!peek('"')) {
                    throw error("expected a member name");
                }
                String name = string();
                space();
                expect(':');
                map.put(name, value());
                space();
                if (peek(',')) {
                    at++;
                    continue;
                }
                expect('}');
                depth--;
                return map;
            }
        }

        private List<Object> array() {
            enter();
            at++;
            List<Object> list = new ArrayList<>();
            space();
            if (peek(']')) {
                at++;
                depth--;
                return list;
            }
            while (true) {
                list.add(value());
                space();
                if (peek(',')) {
                    at++;
                    continue;
                }
                expect(']');
                depth--;
                return list;
            }
        }

        private String string() {
            at++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return b.toString();
                }
                if (c < 0x20) {
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (at >= text.length()) {
                    throw error("unterminated escape");
                }
                char e = text.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw error("short \\u escape");
                        }
                        int code = 0;
                        for (int k = 0; k < 4; k++) {
                            int digit = Character.digit(text.charAt(at + k), 16);
                            if (digit < 0) {
                                throw error("bad \\u escape");
                            }
                            code = code * 16 + digit;
                        }
                        b.append((char) code);
                        at += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private BigDecimal number() {
            int start = at;
            if (peek('-')) {
                at++;
            }
            while (at < text.length() && "0123456789.eE+-".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            try {
                return new BigDecimal(text.substring(start, at));
            } catch (NumberFormatException e) {
                throw error("bad number " + text.substring(start, at));
            }
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, at)) {
                throw error("unexpected text");
            }
            at += word.length();
            return value;
        }

        private void enter() {
            if (++depth > 64) {
                throw error("nested too deep");
            }
        }

        private void space() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        private boolean peek(char c) {
            return at < text.length() && text.charAt(at) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            at++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at character " + at);
        }
    }
}
