package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void wellFormedWithOnePolylinePerStrategy() throws Exception {
        Map<String, List<SvgChart.Point>> series = new LinkedHashMap<>();
        for (String strategy : CompareOptions.ALL_STRATEGIES) {
            List<SvgChart.Point> points = new ArrayList<>();
            for (int c : List.of(10, 50, 200, 1000)) {
                points.add(new SvgChart.Point(c, 100 + strategy.length() * c));
            }
            series.put(strategy, points);
        }
        String svg = SvgChart.render(
                "Stampede <strategies> & \"PostgreSQL\"", "2 cores · JDK 25", List.of(10, 50, 200, 1000), series);
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        NodeList polylines = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
        assertEquals(CompareOptions.ALL_STRATEGIES.size(), polylines.getLength());
        for (int i = 0; i < polylines.getLength(); i++) {
            Element line = (Element) polylines.item(i);
            assertEquals(4, line.getAttribute("points").split(" ", -1).length);
            assertEquals(
                    CompareOptions.ALL_STRATEGIES.get(i),
                    ((Element) line.getParentNode()).getAttribute("data-strategy"));
        }
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("Stampede <strategies> & \"PostgreSQL\""));
        assertTrue(text.contains("concurrency"));
        assertTrue(text.contains("throughput (attempts/s)"));
        for (String strategy : CompareOptions.ALL_STRATEGIES) {
            assertTrue(text.contains(strategy), strategy);
        }
    }

    @Test
    void higherThroughputIsHigherOnTheChartAndXIsLogarithmic() throws Exception {
        Map<String, List<SvgChart.Point>> series = Map.of(
                "A", List.of(new SvgChart.Point(10, 100), new SvgChart.Point(100, 400), new SvgChart.Point(1000, 200)));
        Element line = (Element) parse(SvgChart.render("t", "s", List.of(10, 100, 1000), series))
                .getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline")
                .item(0);
        String[] points = line.getAttribute("points").split(" ", -1);
        double[] xs = new double[3];
        double[] ys = new double[3];
        for (int i = 0; i < 3; i++) {
            xs[i] = Double.parseDouble(points[i].split(",", -1)[0]);
            ys[i] = Double.parseDouble(points[i].split(",", -1)[1]);
        }
        assertEquals(xs[1] - xs[0], xs[2] - xs[1], 0.2);
        assertTrue(ys[1] < ys[2] && ys[2] < ys[0]);
    }

    @Test
    void aStrategyWithoutPointsGetsALegendEntryButNoLine() throws Exception {
        Map<String, List<SvgChart.Point>> series = SvgChart.series(CompareTableTest.ROWS);
        Document doc = parse(SvgChart.render("t", "s", List.of(10, 50), series));
        assertEquals(
                2,
                doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline")
                        .getLength());
        Map<String, List<SvgChart.Point>> none = Map.of("TOKEN_QUEUE", List.of());
        Document empty = parse(SvgChart.render("t", "s", List.of(10, 50), none));
        assertEquals(
                0,
                empty.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline")
                        .getLength());
        assertTrue(empty.getDocumentElement().getTextContent().contains("TOKEN_QUEUE (no data)"));
    }

    @Test
    void niceSteps() {
        assertEquals(1000, SvgChart.niceStep(840), 1e-9);
        assertEquals(200, SvgChart.niceStep(130), 1e-9);
        assertEquals(5, SvgChart.niceStep(4.2), 1e-9);
    }
}
