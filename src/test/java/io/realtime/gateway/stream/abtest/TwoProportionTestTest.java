package io.realtime.gateway.stream.abtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TwoProportionTestTest {

    private static TwoProportionTest.Counts c(String name, long n, long x) {
        return new TwoProportionTest.Counts(name, n, x);
    }

    /**
     * Control 100/1000 (10%), variant 130/1000 (13%), worked by hand: pooled p = 230/2000 = 0.115,
     * SE = √(0.115·0.885·(1/1000+1/1000)) = 0.0142671, z = 0.03/0.0142671 = 2.10274, two-sided
     * p = 2·(1 − Φ(2.10274)) = 0.03549; unpooled SE = √(0.1·0.9/1000 + 0.13·0.87/1000) = 0.0142513,
     * CI = 0.03 ± 1.96·0.0142513 = [0.00207, 0.05793]; lift = 0.03/0.10 = 0.3.
     */
    @Test
    void aTextbookExampleCrossesSignificance() {
        AbTestUpdate u = TwoProportionTest.evaluate("t", List.of(c("A", 1000, 100), c("B", 1000, 130)), 0.05);
        Variant b = u.variants().get(1);
        assertEquals(0.13, b.rate(), 1e-12);
        assertEquals(0.3, b.lift(), 1e-12);
        assertEquals(0.03549, b.pValue(), 5e-5);
        assertEquals(0.00207, b.ci95().get(0), 5e-5);
        assertEquals(0.05793, b.ci95().get(1), 5e-5);
        assertTrue(b.significant());
        assertEquals("B", u.winner());
        assertNull(u.variants().get(0).pValue(), "the control is not compared with itself");
    }

    /** z = 1.96 is the textbook 5% boundary: p = 0.0500 (Φ(1.96) = 0.97500). */
    @Test
    void theNormalTailMatchesTheTable() {
        assertEquals(0.05, Normal.twoSidedP(1.959964), 1e-6);
        assertEquals(0.3173, Normal.twoSidedP(1.0), 1e-4);
        assertEquals(1.0, Normal.twoSidedP(0), 1e-7);
    }

    @Test
    void noWinnerBeforeSignificanceAndTheControlWinsWhenEveryOtherIsWorse() {
        AbTestUpdate early = TwoProportionTest.evaluate("t", List.of(c("A", 1000, 100), c("B", 1000, 110)), 0.05);
        assertFalse(early.variants().get(1).significant());
        assertNull(early.winner());
        AbTestUpdate worse = TwoProportionTest.evaluate("t", List.of(c("A", 1000, 130), c("B", 1000, 100)), 0.05);
        assertEquals("A", worse.winner());
        AbTestUpdate alone = TwoProportionTest.evaluate("t", List.of(c("A", 1000, 130)), 0.05);
        assertNull(alone.winner());
    }

    @Test
    void noExposuresOrNoVarianceGiveNullsNotNaN() {
        AbTestUpdate u = TwoProportionTest.evaluate("t", List.of(c("A", 0, 0), c("B", 10, 0), c("C", 10, 0)), 0.05);
        assertNull(u.variants().get(0).rate());
        assertNull(u.variants().get(1).lift());
        assertNull(u.variants().get(1).pValue());
        AbTestUpdate zero = TwoProportionTest.evaluate("t", List.of(c("A", 10, 0), c("B", 10, 0)), 0.05);
        assertNull(zero.variants().get(1).pValue());
        assertNull(zero.variants().get(1).lift());
        assertNull(zero.winner());
    }
}
