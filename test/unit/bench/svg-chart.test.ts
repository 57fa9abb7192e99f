import { describe, expect, it } from "vitest";
import { escapeXml, niceCeiling, renderChart } from "@/bench/report/svg-chart";

describe("niceCeiling", () => {
  it("ends an axis on 1, 2 or 5 times a power of ten", () => {
    expect(niceCeiling(730)).toBe(1000);
    expect(niceCeiling(1000)).toBe(1000);
    expect(niceCeiling(1001)).toBe(2000);
    expect(niceCeiling(42)).toBe(50);
    expect(niceCeiling(0.3)).toBe(0.5);
    expect(niceCeiling(0)).toBe(1);
  });
});

describe("renderChart", () => {
  const svg = renderChart("Title <&>", "sub", [
    {
      title: "Throughput",
      unit: "/s",
      series: [{ name: "2xx", color: "#123456" }],
      rows: [
        { label: "a & b", values: [500] },
        { label: "missing", values: [null] },
      ],
      target: { value: 450, label: "90 % of (c)" },
    },
  ]);

  it("is a standalone SVG document with every label escaped", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("Title &lt;&amp;&gt;");
    expect(svg).toContain("a &amp; b");
    expect(svg).not.toMatch(/<text[^>]*>[^<]*&(?!amp;|lt;|gt;|quot;)/);
  });

  it("draws a bar per value, n/a for a missing one, and the target line", () => {
    expect(svg.match(/fill="#123456"/g)?.length).toBe(2); // legend swatch + one bar
    expect(svg).toContain(">n/a<");
    expect(svg).toContain('class="target"');
    expect(svg).toContain("90 % of (c)");
  });

  it("scales bars to the axis: 500 of 500 fills the plot width", () => {
    const bar = /<rect x="300" y="[\d.]+" width="([\d.]+)" height="12" fill="#123456"\/>/.exec(svg);
    expect(Number(bar?.[1])).toBe(540);
  });

  it("escapes quotes too", () => {
    expect(escapeXml(`"x"`)).toBe("&quot;x&quot;");
  });
});
