package io.realtime.gateway.stream.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class FiguresTest {

    @Test
    void ratesAreFractionsAndNullOnAZeroDivisor() {
        Figures f = Figures.of(2000, 50, 125.0, 5);
        assertEquals(0.025, f.value("ctr"), 1e-12);
        assertEquals(2.5, f.value("cpc"), 1e-12);
        assertEquals(62.5, f.value("cpm"), 1e-12);
        assertEquals(0.1, f.value("conversionRate"), 1e-12);
        Figures none = Figures.of(0, 0, 0, 0);
        assertNull(none.value("ctr"));
        assertNull(none.value("cpc"));
        assertNull(none.value("cpm"));
        assertNull(none.value("conversionRate"));
    }

    @Test
    void deltasAgainstThePreviousUpdate() {
        CampaignMetrics first = Figures.of(1000, 10, 20.0, 1).against(null);
        assertEquals(new Figure(1000.0, 0.0, "flat"), first.impressions());
        assertEquals(new Figure(2.0, 0.0, "flat"), first.cpc());
        CampaignMetrics second = Figures.of(2000, 10, 30.0, 1).against(Figures.of(1000, 10, 20.0, 1));
        assertEquals(new Figure(2000.0, 1000.0, "up"), second.impressions());
        assertEquals(new Figure(10.0, 0.0, "flat"), second.clicks());
        assertEquals(0.005 - 0.01, second.ctr().delta(), 1e-12);
        assertEquals("down", second.ctr().direction());
        // a rate that was null before has no delta
        CampaignMetrics third = Figures.of(100, 1, 1.0, 0).against(Figures.of(0, 0, 0, 0));
        assertEquals(new Figure(0.01, null, null), third.ctr());
    }
}
