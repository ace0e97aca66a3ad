namespace ScalePlanner.Tests.Reports;

public class HtmlReportTests(FixedPlan fixedPlan) : IClassFixture<FixedPlan>
{
    [Fact]
    public void Should_Parse_As_Xml_With_One_Inline_Svg_Per_Figure()
    {
        var document = HtmlOutline.Parse(fixedPlan.Html);
        Assert.Equal("html", document.Root!.Name.LocalName);
        var figures = document.Descendants().Where(e => e.Name.LocalName == "figure").ToList();
        Assert.Equal(5, figures.Count); // time and memory bars, Pareto front, scaling throughput and efficiency
        Assert.All(figures, f => Assert.Equal("svg", f.Elements().First().Name.LocalName));
    }

    [Fact]
    public void Should_Reference_Nothing_Outside_The_Page()
    {
        Assert.Empty(HtmlOutline.ExternalReferences(fixedPlan.Html));
        var anchors = HtmlOutline.Parse(fixedPlan.Html).Descendants().SelectMany(e => e.Attributes()).Where(a => a.Name.LocalName == "href").ToList();
        Assert.NotEmpty(anchors); // the table of contents links to the sections, so the check above had links to inspect
        Assert.NotEmpty(HtmlOutline.ExternalReferences(fixedPlan.Html.Replace("href=\"#ranked\"", "href=\"https://example.org/\"")));
    }

    [Fact]
    public void Should_Keep_Every_Figures_Ids_Apart()
    {
        var ids = HtmlOutline.Parse(fixedPlan.Html).Descendants().Select(e => e.Attribute("id")?.Value).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Should_Match_The_Golden_Outline()
    {
        string outline = HtmlOutline.Of(fixedPlan.Html);
        Assert.Equal(Golden.Expected("plan-report.outline.txt", outline), outline);
    }

    [Fact]
    public void Should_Show_The_Ranked_Layouts_From_Plan_Csv_And_Where_The_Numbers_Come_From()
    {
        var tables = HtmlOutline.Parse(fixedPlan.Html).Descendants().Where(e => e.Name.LocalName == "table").ToList();
        var ranked = tables.First(t => t.Value.Contains("plan.csv"));
        var rows = ranked.Descendants().Where(e => e.Name.LocalName == "tr").Skip(1).ToList();
        Assert.Equal(fixedPlan.Plan.Top.Count, rows.Count);
        Assert.Equal(fixedPlan.Plan.Top[0].Result.Layout.ToString(), rows[0].Elements().Last().Value);
        var validation = tables.Single(t => t.Value.Contains("Megatron SC21 Table 1"));
        Assert.Contains("A100 only", validation.Value);
    }

    [Fact]
    public void Should_End_With_The_Scenario_And_The_Versions()
    {
        var sections = HtmlOutline.Parse(fixedPlan.Html).Descendants().Where(e => e.Name.LocalName == "section").ToList();
        Assert.Equal(["provenance", "scenario", "versions"], sections.TakeLast(3).Select(s => s.Attribute("id")!.Value));
        var scenario = sections[^2].Descendants().Single(e => e.Name.LocalName == "pre").Value;
        Assert.Equal(fixedPlan.Context.ScenarioJson, scenario);
    }
}
