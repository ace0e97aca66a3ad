using ScalePlanner.Planner.Validation;
using Xunit.Abstractions;

namespace ScalePlanner.Tests.Validation;

public class ZeroTable1Tests(ITestOutputHelper output)
{
    [Fact]
    public void Should_Match_Model_State_Memory_Of_Every_Stage_Within_1_Percent()
    {
        var rows = ZeroTable1.Validate(Path.Combine(AppContext.BaseDirectory, "validation", ZeroTable1.FileName)).ToList();
        Assert.Equal(72, rows.Count);
        foreach (var row in rows)
            output.WriteLine($"{row.Name,-24} predicted {row.Predicted,9:F2} GB  published {row.Published,9:F2} GB  error {row.ErrorPercent,+6:F2} %");
        Assert.All(rows, row => Assert.InRange(Math.Abs(row.ErrorPercent), 0, 1));
    }
}
