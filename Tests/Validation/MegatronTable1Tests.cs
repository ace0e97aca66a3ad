using ScalePlanner.Planner.Validation;
using ScalePlanner.Reports;
using Xunit.Abstractions;

namespace ScalePlanner.Tests.Validation;

public class MegatronTable1Tests(ITestOutputHelper output)
{
    [Fact]
    public void Should_Predict_Every_Row_Within_10_Percent_And_5_Percent_On_Average()
    {
        var rows = MegatronTable1.Validate(Path.Combine(AppContext.BaseDirectory, "validation", MegatronTable1.FileName)).ToList();
        Assert.Equal(10, rows.Count);
        foreach (var row in rows)
            output.WriteLine($"{row.Name,-36} predicted {row.Predicted,7:F1}  published {row.Published,6:F1}  error {row.ErrorPercent,+6:F2} %");
        var (mape, worst) = ValidationReport.Summary(rows);
        output.WriteLine($"MAPE {mape:F2} %, worst {worst:F2} %");
        Assert.All(rows, row => Assert.InRange(Math.Abs(row.ErrorPercent), 0, 10));
        Assert.InRange(mape, 0, 5);
    }
}
