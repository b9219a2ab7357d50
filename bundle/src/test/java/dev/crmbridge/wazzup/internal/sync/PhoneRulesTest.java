package dev.crmbridge.wazzup.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** National phone habits ({@code FROM>TO:LENGTH}) and phones as Wazzup wants them: digits with the country code. */
class PhoneRulesTest {

    private static final PhoneRules RU = PhoneRules.parse(new String[] {"8>7:11", ">7:10"});

    @Test
    void aRussianEightBecomesSeven() {
        assertThat(RU.normalize("8 (901) 111-22-33")).isEqualTo("79011112233");
        assertThat(RU.normalize("89011112233")).isEqualTo("79011112233");
    }

    @Test
    void tenDigitsGetTheCountryCode() {
        assertThat(RU.normalize("901 111 22 33")).isEqualTo("79011112233");
        assertThat(RU.normalize("(901) 111-22-33")).isEqualTo("79011112233");
    }

    @Test
    void aNumberNoRuleMatchesKeepsItsDigits() {
        assertThat(RU.normalize("+7 901 111-22-33")).isEqualTo("79011112233");
        assertThat(RU.normalize("8 901 111 22 3")).as("ten digits starting with 8: the second rule").isEqualTo("78901111223");
        assertThat(RU.normalize("+49 30 1234567")).isEqualTo("49301234567");
        assertThat(RU.normalize("812345")).as("too short for either rule").isEqualTo("812345");
    }

    @Test
    void theFirstMatchingRuleWins() {
        PhoneRules a = PhoneRules.parse(new String[] {"8>7:11", "8>9:11"});
        PhoneRules b = PhoneRules.parse(new String[] {"8>9:11", "8>7:11"});
        assertThat(a.normalize("89011112233")).isEqualTo("79011112233");
        assertThat(b.normalize("89011112233")).isEqualTo("99011112233");
        // a longer prefix: only the first digits named by FROM are replaced
        assertThat(PhoneRules.parse(new String[] {"80>380:11"}).normalize("80441234567")).isEqualTo("380441234567");
    }

    @Test
    void blankAndNullRulesAreSkippedAndSpacesAllowed() {
        PhoneRules rules = PhoneRules.parse(new String[] {null, "", "   ", " 8 > 7 : 11 "});
        assertThat(rules.normalize("89011112233")).isEqualTo("79011112233");
        assertThat(PhoneRules.parse(null).normalize("8 901 111 22 33")).isEqualTo("89011112233");
        assertThat(PhoneRules.parse(new String[0]).normalize("8 901 111 22 33")).isEqualTo("89011112233");
    }

    @ParameterizedTest
    @ValueSource(strings = {"8-7:11", "8>7", "a>7:11", "8>b:11", "8>7:0", "8>7:-1", "8>7:x", "8>7:", ":8>7", "8:7>11", "8>7:11:1"})
    void aMalformedRuleIsRefusedByName(String rule) {
        assertThatThrownBy(() -> PhoneRules.parse(new String[] {"8>7:11", rule}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + rule.trim() + "'");
    }

    /**
     * {@code normalize} keeps ASCII digits only, so a rule whose FROM or TO holds other Unicode digits
     * (full-width digits typed with an East Asian input method, Arabic-Indic digits) could never match or
     * would put non-ASCII digits into a phone: it is malformed and must be refused like {@code a>7:11}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\uFF18>7:11", "8>\uFF17:11", "\u0668>7:11"})
    void aRuleWithNonAsciiDigitsIsRefused(String rule) {
        assertThatThrownBy(() -> PhoneRules.parse(new String[] {rule}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + rule + "'");
    }

    @Test
    void normalizeKeepsDigitsOnly() {
        assertThat(PhoneRules.NONE.normalize("+7 (901) 111-22-33 ext.")).isEqualTo("79011112233");
        assertThat(PhoneRules.NONE.normalize("8 901 111 22 33")).isEqualTo("89011112233");
        assertThat(PhoneRules.NONE.normalize("0")).isEqualTo("0");
    }

    @Test
    void noPhoneOrNoDigitsIsNull() {
        assertThat(RU.normalize(null)).isNull();
        assertThat(RU.normalize("")).isNull();
        assertThat(RU.normalize("  ")).isNull();
        assertThat(RU.normalize("n/a")).isNull();
        assertThat(PhoneRules.NONE.normalize("+()- ")).isNull();
    }

    @Test
    void onlyAsciiDigitsCount() {
        // Arabic-Indic and full-width digits are no phone digits for Wazzup
        assertThat(PhoneRules.NONE.normalize("\u0668\u0669")).isNull();
        assertThat(PhoneRules.NONE.normalize("\uFF17\uFF19")).isNull();
    }
}
