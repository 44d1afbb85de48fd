package io.stampede.shared.security;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * HMAC-SHA256 under one key, from a small pool of initialized {@link Mac}s: looking a {@code Mac} up and keying it
 * for every request (what a fresh {@code Mac.getInstance} costs) was a visible part of each purchase's CPU, and a
 * thread-local would not help, as every request runs on a virtual thread of its own.
 */
public final class HmacSha256 {
    /** Macs kept for reuse: more are made under a burst, and dropped after it. */
    private static final int KEPT = 64;

    private final SecretKey key;
    private final ConcurrentLinkedQueue<Mac> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    public HmacSha256(SecretKey key) {
        this.key = key;
        idle.add(newMac()); // a bad key fails here, at start, not on the first request
        idleCount.incrementAndGet();
    }

    /** HMAC-SHA256 of {@code message}. */
    public byte[] mac(byte[] message) {
        Mac mac = idle.poll();
        if (mac == null) {
            mac = newMac();
        } else {
            idleCount.decrementAndGet();
        }
        byte[] out = mac.doFinal(message); // also resets it for the next use
        if (idleCount.incrementAndGet() <= KEPT) {
            idle.add(mac);
        } else {
            idleCount.decrementAndGet();
        }
        return out;
    }

    /** Whether {@code signature} is the HMAC of {@code message}, compared in constant time. */
    public boolean verify(byte[] message, byte[] signature) {
        return MessageDigest.isEqual(mac(message), signature);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 key rejected: " + e.getMessage(), e);
        }
    }
}
