package io.stampede.turn.domain;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The draw, as anyone can recompute it from the published seed and entry list (docs/fair-drops.md): the entry list
 * is the entrants' user ids sorted by their bytes, one per line; the draw order sorts them by the hex HMAC-SHA256
 * of the user id keyed with the seed. Nothing here depends on when or in which order shoppers entered.
 */
public final class DrawOrder {
    private static final HexFormat HEX = HexFormat.of();

    private DrawOrder() {}

    /** The bytes whose SHA-256 is the published entries hash: user ids sorted (ASCII, so by bytes), each + "\n". */
    public static byte[] entryList(List<String> userIds) {
        StringBuilder list = new StringBuilder(userIds.size() * 12);
        for (String userId : new TreeSet<>(userIds)) {
            list.append(userId).append('\n');
        }
        return list.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The published hash of a hex seed: SHA-256 of its 32 bytes. */
    public static String seedHash(String seedHex) {
        return sha256Hex(HEX.parseHex(seedHex));
    }

    /** Every entrant in draw order: the first ones win. */
    public static List<String> order(String seedHex, List<String> userIds) {
        SecretKeySpec key = new SecretKeySpec(HEX.parseHex(seedHex), "HmacSHA256");
        record Ranked(String rankKey, String userId) {}
        List<Ranked> ranked = new ArrayList<>(userIds.size());
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (String userId : new TreeSet<>(userIds)) {
                ranked.add(new Ranked(HEX.formatHex(mac.doFinal(userId.getBytes(StandardCharsets.UTF_8))), userId));
            }
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
        ranked.sort(Comparator.comparing(Ranked::rankKey).thenComparing(Ranked::userId));
        return ranked.stream().map(Ranked::userId).toList();
    }
}
