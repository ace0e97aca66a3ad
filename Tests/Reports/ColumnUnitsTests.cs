using ScalePlanner.Reports.Html;

namespace ScalePlanner.Tests.Reports;

/// <summary>report.html shows bytes as GB, seconds as ms to days, dollars as dollars and utilisation as per cent; the CSV keeps the numbers.</summary>
public class ColumnUnitsTests(FixedPlan fixedPlan) : IClassFixture<FixedPlan>
{
    [Theory]
    [InlineData("memory_per_gpu_bytes", "70340000000", "70.34 GB", "memory per gpu")]
    [InlineData("time_to_train_s", "1607040", "18.6 days", "time to train")]
    [InlineData("step_time_s", "0.25", "250.00 ms", "step time")]
    [InlineData("cost_dollars", "913115.4", "$913,115", "cost")]
    [InlineData("mfu", "0.638", "63.8 %", "mfu")]
    [InlineData("tokens_per_s", "147720", null, "tokens per s")]
    public void Should_Show_Each_Column_In_Its_Unit(string column, string cell, string? shown, string header)
    {
        Assert.Equal(shown, ColumnUnits.Format(column, cell));
        Assert.Equal(header, ColumnUnits.Header(column));
    }

    [Fact]
    public void Should_Put_No_Raw_Bytes_Or_Seconds_In_The_Plan_Page()
    {
        var table = HtmlOutline.Parse(fixedPlan.Html).Descendants().Where(e => e.Name.LocalName == "table").First(t => t.Value.Contains("plan.csv"));
        var cells = table.Descendants().Where(e => e.Name.LocalName == "td").Select(e => e.Value).ToList();
        Assert.Contains(cells, c => c.EndsWith(" GB"));
        Assert.Contains(cells, c => c.EndsWith(" days") || c.EndsWith(" h") || c.EndsWith(" min"));
        Assert.DoesNotContain(cells, c => c.Length > 9 && c.All(ch => char.IsDigit(ch) || ch == ','));   // no byte counts
    }
}
