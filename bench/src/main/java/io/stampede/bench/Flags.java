package io.stampede.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command-line parser of the modes with flags of their own ({@code compare}, {@code ab}, {@code read-cost}):
 * {@code --name value} or {@code --name=value}, switches without a value, unknown flags refused. Each mode lists its
 * own {@link Flag}s.
 */
final class Flags {

    /**
     * One flag; {@code arg} null makes it a switch, {@code defaultValue} null means none (or computed), and
     * {@code quickValue}, when not null, replaces the default when the switch {@code --quick} is given.
     */
    record Flag(String name, String arg, String defaultValue, String quickValue, String help) {
        Flag(String name, String arg, String defaultValue, String help) {
            this(name, arg, defaultValue, null, help);
        }
    }

    /** The parsed command line: each flag's value (given, else its default), and which flags were given. */
    record Parsed(String mode, Map<String, String> values, Set<String> given) {

        String get(String name) {
            return values.get(name);
        }

        boolean given(String name) {
            return given.contains(name);
        }

        boolean on(String switchName) {
            return given.contains(switchName);
        }

        int integer(String name, int min, int max) {
            String raw = values.get(name);
            long value;
            try {
                value = Long.parseLong(raw.strip().replace("_", ""));
            } catch (NumberFormatException | NullPointerException e) {
                throw new Options.UsageException("--" + name + " must be a whole number, got '" + raw + "'");
            }
            if (value < min || value > max) {
                throw new Options.UsageException(
                        "--" + name + " must be between " + min + " and " + max + ", got " + raw);
            }
            return (int) value;
        }

        /** A comma-separated list of whole numbers, each between {@code min} and {@code max}; at least one. */
        List<Integer> integers(String name, int min, int max) {
            String raw = values.get(name);
            List<Integer> out = new ArrayList<>();
            for (String part : (raw == null ? "" : raw).split(",", -1)) {
                String value = part.strip().replace("_", "");
                long n;
                try {
                    n = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new Options.UsageException(
                            "--" + name + " must be whole numbers separated by commas, got '" + raw + "'");
                }
                if (n < min || n > max) {
                    throw new Options.UsageException(
                            "--" + name + " takes numbers between " + min + " and " + max + ", got " + part.strip());
                }
                out.add((int) n);
            }
            return List.copyOf(out);
        }

        /** An http(s) base URL without query; a trailing slash is dropped. */
        URI url(String name) {
            String raw = values.get(name);
            URI uri;
            try {
                uri = URI.create(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
            } catch (IllegalArgumentException e) {
                throw new Options.UsageException("--" + name + " is not a URI: " + raw);
            }
            if (uri.getScheme() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null
                    || uri.getQuery() != null
                    || uri.getFragment() != null) {
                throw new Options.UsageException("--" + name + " must be an http(s) URL without query, e.g."
                        + " http://localhost:8080, got " + raw);
            }
            return uri;
        }

        /** Refuses every listed flag that was given: silently ignoring a flag would mislead. */
        void refuse(List<String> names, String why) {
            List<String> misplaced =
                    names.stream().filter(given::contains).map(n -> "--" + n).toList();
            if (!misplaced.isEmpty()) {
                throw new Options.UsageException(String.join(", ", misplaced) + " "
                        + (misplaced.size() == 1 ? "has" : "have") + " no effect " + why);
            }
        }
    }

    private Flags() {}

    static Parsed parse(String mode, List<Flag> flags, String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Flag flag : flags) {
            if (flag.defaultValue() != null) {
                values.put(flag.name(), flag.defaultValue());
            }
        }
        Set<String> given = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i].equals("-h") ? "--help" : args[i];
            if (!arg.startsWith("--")) {
                throw new Options.UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            String key = name;
            Flag flag = flags.stream()
                    .filter(f -> f.name().equals(key))
                    .findFirst()
                    .orElseThrow(() -> new Options.UsageException("unknown flag --" + key + " for --mode " + mode));
            if (flag.arg() == null) {
                if (value != null) {
                    throw new Options.UsageException("--" + key + " takes no value");
                }
            } else {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new Options.UsageException("--" + key + " needs a value (" + flag.arg() + ")");
                    }
                    value = args[++i];
                }
                values.put(key, value);
            }
            given.add(key);
        }
        if (given.contains("quick")) {
            for (Flag flag : flags) {
                if (flag.quickValue() != null && !given.contains(flag.name())) {
                    values.put(flag.name(), flag.quickValue());
                }
            }
        }
        if (!mode.equals(values.getOrDefault("mode", "").toLowerCase(Locale.ROOT))) {
            throw new Options.UsageException("this parser takes --mode " + mode + " only");
        }
        return new Parsed(mode, values, given);
    }

    /** True when the arguments ask for {@code --mode <mode>}, in either flag form. */
    static boolean requested(String mode, String... args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equalsIgnoreCase("--mode=" + mode)
                    || (arg.equals("--mode") && i + 1 < args.length && args[i + 1].equalsIgnoreCase(mode))) {
                return true;
            }
        }
        return false;
    }

    /** One line per flag, with its default, and its quick value in brackets when it has one. */
    static String list(List<Flag> flags) {
        StringBuilder out = new StringBuilder();
        for (Flag flag : flags) {
            String left = "  --" + flag.name() + (flag.arg() == null ? "" : " " + flag.arg());
            out.append(String.format(Locale.ROOT, "%-34s %s", left, flag.help()));
            if (flag.defaultValue() != null && !flag.defaultValue().isEmpty()) {
                out.append(" (default ").append(flag.defaultValue()).append(')');
            }
            if (flag.quickValue() != null) {
                out.append(" [").append(flag.quickValue()).append(']');
            }
            out.append('\n');
        }
        return out.toString();
    }
}
