package dev.crmbridge.wazzup.internal.sync;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a phone number as a CRM stores it into Wazzup's form: digits only, with the country code
 * (§1.8 of the reference). National habits are configured as rules {@code FROM>TO:LENGTH}: a number of
 * {@code LENGTH} digits that starts with {@code FROM} gets {@code TO} instead, e.g. {@code 8>7:11} (a
 * Russian {@code 8 901 …} becomes {@code 7 901 …}) or {@code >7:10} (a ten-digit number gets the
 * country code 7). The first matching rule applies.
 */
public final class PhoneRules {

    private record Rule(String from, String to, int length) {
    }

    private final List<Rule> rules;

    private PhoneRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** No rules: digits only. */
    public static final PhoneRules NONE = new PhoneRules(List.of());

    /**
     * Parses rules such as {@code 8>7:11}.
     *
     * @throws IllegalArgumentException naming the malformed rule
     */
    public static PhoneRules parse(String[] specs) {
        List<Rule> out = new ArrayList<>();
        if (specs != null) {
            for (String spec : specs) {
                String s = spec == null ? "" : spec.trim();
                if (s.isEmpty()) {
                    continue;
                }
                int gt = s.indexOf('>');
                int colon = s.indexOf(':');
                try {
                    if (gt < 0 || colon < gt) {
                        throw new NumberFormatException();
                    }
                    String from = s.substring(0, gt).trim();
                    String to = s.substring(gt + 1, colon).trim();
                    String len = s.substring(colon + 1).trim();
                    if (!ascii(from) || !ascii(to) || len.isEmpty() || !ascii(len)) {
                        throw new NumberFormatException();
                    }
                    int length = Integer.parseInt(len);
                    if (length < 1) {
                        throw new NumberFormatException();
                    }
                    out.add(new Rule(from, to, length));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("phoneRules: '" + s + "' is not FROM>TO:LENGTH, e.g. 8>7:11");
                }
            }
        }
        return new PhoneRules(out);
    }

    /** Whether {@code s} holds only the digits 0–9 (what {@link #normalize} keeps). */
    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The digits of {@code phone} with the first matching rule applied; null when there are no digits. */
    public String normalize(String phone) {
        if (phone == null) {
            return null;
        }
        StringBuilder digits = new StringBuilder(phone.length());
        for (int i = 0; i < phone.length(); i++) {
            char c = phone.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        if (digits.length() == 0) {
            return null;
        }
        String d = digits.toString();
        for (Rule r : rules) {
            if (d.length() == r.length() && d.startsWith(r.from())) {
                return r.to() + d.substring(r.from().length());
            }
        }
        return d;
    }
}
